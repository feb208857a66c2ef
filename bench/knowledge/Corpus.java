package bench.knowledge;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A deterministic corpus of help-centre prose: the same seed gives the same bytes on every machine. Each
 * document belongs to one of {@link #TOPICS} (a team's handbook: its things, actions, states and people) and is
 * written as Markdown (title, sections, paragraphs, the odd bullet list) or plain text (paragraphs). Sentences
 * come from templates filled with the topic's words and a little of another topic's, so chunks of one topic
 * resemble each other the way real handbook pages do, without being copies.
 */
final class Corpus {

    record Document(String fileName, String mimeType, byte[] content) {
    }

    private record Topic(String title, String[] nouns, String[] verbs, String[] states, String[] roles) {
    }

    private static final Topic[] TOPICS = {
            topic("Billing", "invoice,payment method,credit note,billing address,tax number,receipt,subscription plan,card",
                    "update,download,cancel,correct,pay,forward", "overdue,unpaid,duplicated,incomplete,pending", "accountant,account owner,billing contact"),
            topic("Refunds", "refund,return label,parcel,order number,store credit,receipt,bank transfer,voucher",
                    "request,approve,print,ship,track,reject", "damaged,late,partial,unopened,lost", "support agent,customer,warehouse clerk"),
            topic("Shipping", "parcel,courier,tracking code,delivery slot,pallet,customs form,address label,depot",
                    "schedule,track,reroute,collect,pack,weigh", "delayed,oversized,fragile,undeliverable,held", "courier,dispatcher,recipient"),
            topic("Warranty", "warranty claim,serial number,spare part,repair ticket,proof of purchase,replacement unit,defect,manual",
                    "register,claim,inspect,replace,repair,extend", "expired,valid,void,refurbished,faulty", "technician,reseller,owner"),
            topic("Passwords", "password,recovery code,login attempt,security question,session,authenticator app,reset link,device",
                    "reset,rotate,revoke,verify,lock,enroll", "expired,compromised,weak,locked,reused", "administrator,user,security officer"),
            topic("Single sign-on", "identity provider,SAML assertion,certificate,redirect URL,group mapping,login page,tenant,user directory",
                    "configure,map,renew,test,provision,deprovision", "expired,misconfigured,untrusted,disabled,mirrored", "administrator,identity engineer,auditor"),
            topic("API limits", "API key,rate limit,request quota,retry header,burst,endpoint,webhook,client library",
                    "throttle,retry,rotate,batch,paginate,monitor", "exceeded,throttled,revoked,idle,saturated", "developer,integration partner,platform engineer"),
            topic("Data export", "export file,CSV column,archive,schedule,download link,data field,backup copy,report",
                    "export,schedule,filter,encrypt,download,delete", "truncated,encrypted,stale,partial,compressed", "analyst,data protection officer,administrator"),
            topic("Privacy", "personal data,consent record,deletion request,processing purpose,retention period,data subject,cookie banner,audit log",
                    "record,erase,anonymise,review,document,disclose", "unlawful,expired,pseudonymous,sensitive,retained", "data protection officer,lawyer,customer"),
            topic("Onboarding", "welcome pack,laptop,badge,first-week plan,buddy,training module,contract,desk",
                    "prepare,assign,sign,complete,introduce,book", "missing,scheduled,overdue,ready,unsigned", "new hire,manager,office coordinator"),
            topic("Expenses", "expense report,receipt,mileage claim,per diem,corporate card,travel booking,approval,budget code",
                    "submit,approve,reimburse,attach,book,reject", "missing,rejected,approved,over budget,pending", "employee,finance clerk,line manager"),
            topic("Leave", "vacation day,sick note,leave request,public holiday,parental leave,calendar,carry-over,team rota",
                    "request,approve,cancel,record,plan,swap", "unpaid,approved,overlapping,expired,pending", "employee,line manager,HR partner"),
            topic("Security incidents", "incident ticket,phishing mail,alert,log file,affected account,firewall rule,forensic image,timeline",
                    "report,contain,escalate,investigate,restore,document", "suspicious,confirmed,contained,critical,resolved", "security analyst,on-call engineer,incident lead"),
            topic("Backups", "snapshot,restore point,backup job,storage bucket,retention rule,checksum,recovery drill,volume",
                    "schedule,restore,verify,rotate,encrypt,prune", "failed,incremental,corrupted,offsite,encrypted", "operator,storage engineer,service owner"),
            topic("Database migrations", "schema change,migration script,index,lock,rollback plan,replica,maintenance window,table",
                    "write,review,apply,roll back,test,monitor", "blocking,reversible,long-running,pending,applied", "database engineer,reviewer,service owner"),
            topic("Printers", "printer,toner cartridge,paper tray,print queue,driver,network port,duplex unit,scanner",
                    "install,refill,clear,restart,pair,calibrate", "jammed,offline,low,misaligned,idle", "office coordinator,IT helpdesk,employee"),
            topic("Kitchen equipment", "espresso machine,dishwasher,fridge,water filter,grinder,milk frother,cleaning tablet,drip tray",
                    "descale,clean,empty,replace,refill,switch off", "clogged,dirty,empty,overheated,leaking", "facility manager,employee,cleaning staff"),
            topic("Bicycle maintenance", "chain,brake pad,tyre,inner tube,derailleur,saddle,spoke,pump",
                    "oil,tighten,inflate,adjust,replace,check", "worn,flat,loose,squeaking,bent", "cyclist,mechanic,fleet manager"),
            topic("Hiking safety", "trail map,first-aid kit,water bottle,headlamp,weather forecast,emergency whistle,rain jacket,route plan",
                    "pack,check,share,carry,turn back,signal", "steep,slippery,exposed,closed,marked", "hiker,mountain guide,rescue team"),
            topic("Coffee brewing", "bean,grind size,filter paper,kettle,brew ratio,scale,roast date,carafe",
                    "grind,weigh,bloom,pour,taste,store", "bitter,sour,stale,fresh,balanced", "barista,guest,roaster"),
            topic("Photography", "lens,shutter speed,aperture,tripod,memory card,raw file,light meter,flash",
                    "focus,expose,mount,edit,back up,calibrate", "blurry,underexposed,grainy,sharp,overexposed", "photographer,assistant,client"),
            topic("First aid", "bandage,wound,burn,splint,defibrillator,emergency number,recovery position,cold pack",
                    "apply,clean,call,cool,check,stabilise", "bleeding,conscious,swollen,infected,stable", "first aider,patient,paramedic"),
            topic("Gardening", "seedling,compost heap,watering can,pruning shears,raised bed,mulch,greenhouse,hedge",
                    "plant,water,prune,harvest,fertilise,cover", "dry,overgrown,frosted,wilted,sunny", "gardener,neighbour,volunteer"),
            topic("Payroll", "payslip,salary band,bonus,tax code,pension contribution,bank account,overtime,payroll run",
                    "calculate,approve,correct,pay out,deduct,archive", "late,incorrect,gross,net,withheld", "payroll officer,employee,controller"),
            topic("Mobile app", "push notification,app version,offline mode,home screen,permission,crash report,widget,update",
                    "install,update,enable,sync,uninstall,report", "outdated,crashing,slow,offline,synced", "user,mobile developer,support agent"),
            topic("Meeting rooms", "meeting room,video screen,booking,whiteboard,microphone,room calendar,cable,projector",
                    "book,cancel,connect,extend,reserve,release", "occupied,free,double-booked,muted,broken", "organiser,guest,facility manager"),
            topic("Customer onboarding", "trial account,demo call,setup checklist,import file,success plan,kickoff,workspace,template",
                    "schedule,import,invite,configure,review,activate", "active,expired,blocked,ready,incomplete", "customer success manager,customer,sales engineer"),
            topic("Inventory", "stock level,barcode,shelf,reorder point,supplier,stocktake,purchase order,bin",
                    "count,scan,reorder,move,receive,write off", "low,missing,damaged,reserved,surplus", "warehouse clerk,buyer,supplier"),
            topic("Energy saving", "thermostat,heat pump,light sensor,solar panel,meter reading,insulation,standby mode,timer",
                    "lower,switch off,read,insulate,schedule,monitor", "idle,wasteful,efficient,overheated,drafty", "facility manager,tenant,energy advisor"),
            topic("Release process", "release branch,changelog,feature flag,canary,build artifact,version tag,rollback,hotfix",
                    "cut,tag,deploy,promote,roll back,announce", "green,blocked,flaky,released,frozen", "release manager,developer,QA engineer"),
    };

    private static final String[] SENTENCES = {
            "To %V the %N, open the %N2 settings and choose the %A option.",
            "The %R should %V every %N at least once every %D days.",
            "If the %N is %A, %V it before you contact the %R.",
            "Most %Ns are %A at first, but the %R can change that from the %N2 page.",
            "We recommend that you %V the %N after each %N2, because %aA %N causes most of the tickets we see.",
            "%aA %N usually means that nobody remembered to %V the %N2.",
            "Keep a record of every %N: the %R will ask for it during the quarterly review.",
            "It takes about %D minutes to %V %aN, a little longer when the %N2 is %A.",
            "Never %V the %N while the %N2 is still %A; wait until the %R confirms it is safe.",
            "The %T team answers questions about %Ns within %D hours on working days.",
            "%P percent of the problems reported about the %N are solved by asking the %R to %V the %N2.",
            "When in doubt, ask the %R to %V the %N with you.",
            "Our %N policy changed last year: %Ns now have to be checked by the %R before anyone may %V them.",
            "You can %V several %Ns at once from the %N2 list.",
            "Costs for %aA %N are covered up to %D0 euros per %N2.",
            "In this guide, %aN is anything the %R has to %V by hand.",
            "Check that the %N is not %A and that the %N2 is in place, then %V it.",
            "Do not worry if the %N looks %A at first; this is normal for a new %N2.",
            "Write down the reference of the %N before you %V the %N2.",
            "The %R and the %R2 share responsibility for the %N, but only the %R may %V it.",
            "A short checklist helps: %V the %N, look at the %N2, and tell the %R when something is %A.",
            "Since the last update, the %N2 shows a warning whenever the %N becomes %A.",
            "The %R can see the history of each %N, including who decided to %V it and when.",
            "As a rule, %aA %N is handled within %D days; urgent cases go straight to the %R.",
            "For example, a %R2 once had to %V a %N because the %N2 was %A for a whole week.",
            "Please do not %V the %N yourself if you are not sure; the %R is happy to help.",
            "Some teams %V the %N every morning, others only when the %N2 is %A.",
            "The %N2 is where you find the current state of the %N and what to do next.",
    };

    private static final String[] OPENERS = {"", "", "", "However, ", "In practice, ", "Note that ", "Usually, ",
            "In most cases, ", "Also, ", "Remember that "};

    private static final String[] HEADINGS = {
            "Before you start", "How to %V %aN", "When the %N is %A", "Who does what", "Costs and limits",
            "Common mistakes", "Frequently asked questions", "Checklist for the %R", "Timelines", "Getting help",
            "Working with the %N2", "Exceptions", "What changed this year", "Tips from the %R",
    };

    private static final String[] QUESTIONS = {
            "How do I %V the %N?", "What should the %R do when the %N is %A?", "How long does it take to %V %aN?",
            "Who pays for %aA %N?", "Can I %V several %Ns at once?", "What does %aA %N mean?",
            "Who is allowed to %V the %N?", "%N is %A, what now?", "How often should the %N be checked?",
            "Where do I find the %N2 for my %N?", "Is it safe to %V the %N while the %N2 is %A?",
            "What changed in the %N policy?", "how to %V %N quickly", "%T: %N keeps being %A",
    };

    private Corpus() {
    }

    private static Topic topic(String title, String nouns, String verbs, String states, String roles) {
        return new Topic(title, nouns.split(","), verbs.split(","), states.split(","), roles.split(","));
    }

    static List<Document> documents(long seed, int count) {
        Random random = new Random(seed);
        List<Document> documents = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Topic topic = TOPICS[i % TOPICS.length];
            Topic other = TOPICS[random.nextInt(TOPICS.length)];
            boolean markdown = random.nextInt(3) != 0;
            String text = markdown ? markdown(random, topic, other) : plain(random, topic, other);
            String name = String.format("%04d-%s.%s", i, topic.title().toLowerCase().replaceAll("[^a-z]+", "-"),
                    markdown ? "md" : "txt");
            documents.add(new Document(name, markdown ? "text/markdown" : "text/plain",
                    text.getBytes(StandardCharsets.UTF_8)));
        }
        return documents;
    }

    /** Questions a user of these handbooks would type, with the handbooks' words. */
    static List<String> queries(long seed, int count) {
        Random random = new Random(seed);
        List<String> queries = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Topic topic = TOPICS[random.nextInt(TOPICS.length)];
            queries.add(fill(QUESTIONS[random.nextInt(QUESTIONS.length)], random, topic, topic));
        }
        return queries;
    }

    private static String markdown(Random random, Topic topic, Topic other) {
        StringBuilder text = new StringBuilder("# ").append(topic.title()).append(": ")
                .append(capitalise(fill("%V %aN", random, topic, other))).append("\n\n");
        text.append(paragraph(random, topic, other)).append("\n\n");
        int sections = 4 + random.nextInt(5);
        for (int s = 0; s < sections; s++) {
            text.append("## ").append(capitalise(fill(pick(random, HEADINGS), random, topic, other))).append("\n\n");
            int paragraphs = 1 + random.nextInt(3);
            for (int p = 0; p < paragraphs; p++) {
                text.append(paragraph(random, topic, other)).append("\n\n");
            }
            if (random.nextInt(3) == 0) {
                int items = 3 + random.nextInt(3);
                for (int item = 0; item < items; item++) {
                    text.append("- ").append(sentence(random, topic, other)).append('\n');
                }
                text.append('\n');
            }
        }
        return text.toString();
    }

    private static String plain(Random random, Topic topic, Topic other) {
        StringBuilder text = new StringBuilder(topic.title()).append(" handbook\n\n");
        int paragraphs = 6 + random.nextInt(10);
        for (int p = 0; p < paragraphs; p++) {
            text.append(paragraph(random, topic, other)).append("\n\n");
        }
        return text.toString();
    }

    private static String paragraph(Random random, Topic topic, Topic other) {
        StringBuilder text = new StringBuilder();
        int sentences = 3 + random.nextInt(5);
        for (int i = 0; i < sentences; i++) {
            if (i > 0) {
                text.append(' ');
            }
            text.append(sentence(random, topic, other));
        }
        return text.toString();
    }

    private static String sentence(Random random, Topic topic, Topic other) {
        // One sentence in eight borrows the other topic's words, as real pages refer to neighbouring subjects.
        Topic words = random.nextInt(8) == 0 ? other : topic;
        String template = pick(random, SENTENCES);
        // Openers go before statements only ("However, the …"), not before advice or examples.
        String opener = template.matches("^(The|Most|It|You|%).*") ? pick(random, OPENERS) : "";
        String body = fill(template, random, words, topic);
        if (opener.isEmpty()) {
            return capitalise(body);
        }
        // "However, the …" but "However, SAML …": only the capital of an ordinary word is lowered.
        int space = body.indexOf(' ');
        String firstWord = space < 0 ? body : body.substring(0, space);
        boolean ordinaryWord = firstWord.substring(1).equals(firstWord.substring(1).toLowerCase());
        return opener + (ordinaryWord ? Character.toLowerCase(body.charAt(0)) + body.substring(1) : body);
    }

    /**
     * Placeholders: %N, %N2 nouns (%Ns plural), %V verb, %A state, %R, %R2 roles, %T title, %D a number, %P a
     * percentage; %aN and %aA put the right indefinite article before the noun or state.
     */
    private static String fill(String template, Random random, Topic topic, Topic second) {
        String noun = pick(random, topic.nouns());
        String noun2 = pick(random, second.nouns());
        String state = pick(random, topic.states());
        String role = pick(random, topic.roles());
        String role2 = pick(random, second.roles());
        return template
                .replace("%aN", article(noun) + " " + noun)
                .replace("%aA", article(state) + " " + state)
                .replace("%Ns", plural(noun))
                .replace("%N2", noun2)
                .replace("%N", noun)
                .replace("%V", pick(random, topic.verbs()))
                .replace("%A", state)
                .replace("%R2", role2)
                .replace("%R", role)
                .replace("%T", topic.title())
                .replace("%D", Integer.toString(2 + random.nextInt(29)))
                .replace("%P", Integer.toString(10 + random.nextInt(81)));
    }

    private static String pick(Random random, String[] options) {
        return options[random.nextInt(options.length)];
    }

    private static String article(String word) {
        return "aeiou".indexOf(Character.toLowerCase(word.charAt(0))) >= 0 ? "an" : "a";
    }

    private static String plural(String noun) {
        if (noun.endsWith("y") && !noun.endsWith("ey") && !noun.endsWith("ay")) {
            return noun.substring(0, noun.length() - 1) + "ies";
        }
        if (noun.endsWith("s") || noun.endsWith("x") || noun.endsWith("ch") || noun.endsWith("sh")) {
            return noun + "es";
        }
        return noun + "s";
    }

    private static String capitalise(String text) {
        return Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }
}
