package dev.promptjuggler.contracts.prompt;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code {{placeholder}}} language of prompt templates: the gateway checks that a run's inputs
 * cover the placeholders, the executor fills them in. One definition serves both.
 */
public final class PromptTemplate {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([A-Za-z_][A-Za-z0-9_.-]*)\\s*}}");

    private PromptTemplate() {
    }

    /** The placeholder names in {@code template}, in order of first appearance. */
    public static Set<String> placeholders(String template) {
        Set<String> names = new LinkedHashSet<>();
        if (template != null) {
            Matcher matcher = PLACEHOLDER.matcher(template);
            while (matcher.find()) {
                names.add(matcher.group(1));
            }
        }
        return names;
    }

    /** The placeholders of every template of {@code config}: system instruction and messages. */
    public static Set<String> placeholders(PromptConfig config) {
        Set<String> names = new LinkedHashSet<>(placeholders(config.systemInstruction()));
        config.messages().forEach(message -> names.addAll(placeholders(message.content())));
        return names;
    }

    /** Fills each placeholder with its input; a placeholder without an input is left as written. */
    public static String render(String template, Map<String, String> inputs) {
        if (template == null) {
            return null;
        }
        return PLACEHOLDER.matcher(template).replaceAll(match -> {
            String value = inputs.get(match.group(1));
            return Matcher.quoteReplacement(value != null ? value : match.group());
        });
    }
}
