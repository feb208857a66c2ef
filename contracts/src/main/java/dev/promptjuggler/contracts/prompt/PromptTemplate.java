package dev.promptjuggler.contracts.prompt;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The template language of prompts: {@code {{placeholder}}} takes a run input, {@code ${VAR}} an
 * environment variable. The gateway checks that a run's inputs cover the placeholders, the executor
 * fills both in. One definition serves both.
 */
public final class PromptTemplate {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([A-Za-z_][A-Za-z0-9_.-]*)\\s*}}");
    private static final Pattern PLACEHOLDER_OR_VARIABLE =
            Pattern.compile(PLACEHOLDER.pattern() + "|\\$\\{([A-Z][A-Z0-9_]*)}");

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
        return render(template, inputs, Map.of());
    }

    /**
     * Fills placeholders with inputs and {@code ${VAR}} with variables in one pass over the template, so
     * text that an input brings in is never read as a template: an input cannot pull a variable into the
     * prompt.
     *
     * @throws MissingVariableException when the template names a variable that is not set
     */
    public static String render(String template, Map<String, String> inputs, Map<String, String> variables) {
        if (template == null) {
            return null;
        }
        return PLACEHOLDER_OR_VARIABLE.matcher(template).replaceAll(match -> {
            if (match.group(1) != null) {
                String value = inputs.get(match.group(1));
                return Matcher.quoteReplacement(value != null ? value : match.group());
            }
            String value = variables.get(match.group(2));
            if (value == null) {
                throw new MissingVariableException(match.group(2));
            }
            return Matcher.quoteReplacement(value);
        });
    }

    /** A template names an environment variable that the run's environment does not set. */
    public static final class MissingVariableException extends RuntimeException {

        public MissingVariableException(String variable) {
            super("environment variable " + variable + " is not set for this run's environment");
        }
    }
}
