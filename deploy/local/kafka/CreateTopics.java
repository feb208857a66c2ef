// Creates and lists the local stack's topics, and sets its SCRAM user, through the kafka-clients Admin
// API. The kafka-topics and kafka-configs CLIs (kafka-tools 4.4.0) are not on the registry. infra.sh
// compiles this file once and caches the class; it also runs as a single-file program:
//
//   java -cp '<kafka libs>/*' CreateTopics.java <bootstrap> ensure name:partitions[:config=value,...]...
//       creates the missing topics (replication factor 1) with the given topic configs, and sets those
//       configs on the topics that exist already; their partition counts are left alone
//   java -cp '<kafka libs>/*' CreateTopics.java <bootstrap> list
//       prints every non-internal topic with its partition count
//   PJ_KAFKA_SCRAM_PASSWORD=... java -cp '<kafka libs>/*' CreateTopics.java <bootstrap> scram-user <name>
//       creates or replaces the user's SCRAM-SHA-512 credential (the SASL listener's login); the password
//       comes from the environment, not the command line, which other users can read
//
// Exit code 1 on any error (broker unreachable within the timeout, creation refused, ...).

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;

public class CreateTopics {
    private static final long TIMEOUT_SECONDS = 30;

    public static void main(String[] args) throws Exception {
        if (args.length < 2 || !(args[1].equals("ensure") || args[1].equals("list")
                || (args[1].equals("scram-user") && args.length == 3))) {
            System.err.println("usage: CreateTopics <bootstrap> ensure name:partitions[:config=value,...]... | list | scram-user <name>");
            System.exit(2);
        }
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "pj-local-infra");
        try (Admin admin = Admin.create(props)) {
            if (args[1].equals("ensure")) {
                ensure(admin, List.of(args).subList(2, args.length));
            } else if (args[1].equals("scram-user")) {
                scramUser(admin, args[2], System.getenv("PJ_KAFKA_SCRAM_PASSWORD"));
            } else {
                list(admin);
            }
        } catch (ExecutionException e) {
            System.err.println("kafka admin request to " + args[0] + " failed: " + e.getCause());
            System.exit(1);
        } catch (TimeoutException e) {
            System.err.println("kafka at " + args[0] + " did not answer within " + TIMEOUT_SECONDS + " s");
            System.exit(1);
        }
    }

    private static void ensure(Admin admin, List<String> specs) throws Exception {
        Set<String> existing = admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        List<NewTopic> missing = new ArrayList<>();
        Map<ConfigResource, Collection<AlterConfigOp>> changed = new HashMap<>();
        for (String spec : specs) {
            String[] parts = spec.split(":", 3);
            if (parts.length < 2) {
                throw new IllegalArgumentException("topic spec must be name:partitions[:config=value,...], got " + spec);
            }
            Map<String, String> configs = configs(parts.length == 3 ? parts[2] : "");
            if (!existing.contains(parts[0])) {
                missing.add(new NewTopic(parts[0], Integer.parseInt(parts[1]), (short) 1).configs(configs));
            } else if (!configs.isEmpty()) {
                changed.put(new ConfigResource(ConfigResource.Type.TOPIC, parts[0]), configs.entrySet().stream()
                        .map(c -> new AlterConfigOp(new ConfigEntry(c.getKey(), c.getValue()), AlterConfigOp.OpType.SET))
                        .toList());
            }
        }
        if (!changed.isEmpty()) {
            admin.incrementalAlterConfigs(changed).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
        for (Map.Entry<String, KafkaFuture<Void>> created :
                admin.createTopics(missing).values().entrySet()) {
            try {
                created.getValue().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                System.out.println("[infra] created topic " + created.getKey());
            } catch (ExecutionException e) {
                // Another process created it between listTopics and createTopics: fine.
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        }
    }

    private static Map<String, String> configs(String spec) {
        Map<String, String> configs = new HashMap<>();
        for (String entry : spec.split(",")) {
            if (entry.isEmpty()) {
                continue;
            }
            String[] pair = entry.split("=", 2);
            if (pair.length != 2) {
                throw new IllegalArgumentException("topic config must be name=value, got " + entry);
            }
            configs.put(pair[0], pair[1]);
        }
        return configs;
    }

    private static void scramUser(Admin admin, String name, String password) throws Exception {
        if (password == null || password.isEmpty()) {
            throw new IllegalArgumentException("PJ_KAFKA_SCRAM_PASSWORD is not set");
        }
        admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(name,
                        new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), password)))
                .all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        System.out.println("[infra] SCRAM-SHA-512 credential of " + name + " set");
    }

    private static void list(Admin admin) throws Exception {
        Set<String> names = admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        Map<String, TopicDescription> sorted = new TreeMap<>(
                admin.describeTopics(names).allTopicNames().get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
        for (TopicDescription topic : sorted.values()) {
            System.out.printf("%-24s partitions=%d%n", topic.name(), topic.partitions().size());
        }
    }
}
