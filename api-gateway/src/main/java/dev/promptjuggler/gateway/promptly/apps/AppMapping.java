package dev.promptjuggler.gateway.promptly.apps;

import com.fasterxml.jackson.databind.JsonNode;
import dev.promptjuggler.contracts.RunKind;
import dev.promptjuggler.contracts.prompt.ModelCatalogue;
import dev.promptjuggler.contracts.prompt.PromptConfig;
import dev.promptjuggler.contracts.prompt.PromptMessage;
import dev.promptjuggler.gateway.api.ApiException;
import dev.promptjuggler.gateway.service.Slugs;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a Promptly (LLMStack) app definition and says what it becomes here (docs/promptly.md, "Apps"): one OpenAI
 * chat processor whose answer is the whole output template is a prompt; anything else (a chain of processors, an
 * output template around the answers) is a workflow of Prompt nodes. Whatever has no equivalent is a 422 naming its
 * path in the definition, before anything is stored.
 */
final class AppMapping {

    static final String DEFAULT_MODEL = "gpt-4o-mini";
    static final String OPENAI = "openai";
    private static final Set<String> CHAT_PROCESSORS = Set.of("chatgpt", "chat_completions");
    private static final Set<String> FIELD_TYPES = Set.of("string", "text", "richtext", "select", "number", "integer",
            "boolean");
    private static final Set<String> APP_TYPES = Set.of("web", "chat");
    private static final Pattern FIELD_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,63}");
    private static final Pattern STEP_ID = Pattern.compile("(?=.{1,64}$)_*[A-Za-z][A-Za-z0-9_]*");
    /** A Jinja expression or statement: what LLMStack's templates may hold. */
    private static final Pattern EXPRESSION = Pattern.compile("\\{\\{(.*?)}}|\\{%", Pattern.DOTALL);
    private static final Pattern INPUT_REFERENCE = Pattern.compile("\\s*_inputs0\\.([A-Za-z][A-Za-z0-9_]*)\\s*");
    private static final Pattern STEP_REFERENCE =
            Pattern.compile("\\s*([A-Za-z_][A-Za-z0-9_]*)\\.choices\\[0]\\.content\\s*");
    /** Keys of a processor's {@code config} that mean nothing here; every other unknown key is refused. */
    private static final Set<String> IGNORED_CONFIG = Set.of("stream", "presence_penalty", "frequency_penalty", "seed",
            "auto_prune_chat_history", "logit_bias", "user");
    private static final Set<String> CONFIG = Set.of("model", "max_tokens", "temperature", "top_p", "n",
            "retain_history", "function_call");

    private AppMapping() {
    }

    /** The app itself: the root, or its {@code app} when the root is a contrib template. */
    static JsonNode app(JsonNode root) {
        return template(root) ? root.get("app") : root;
    }

    private static boolean template(JsonNode root) {
        return root != null && root.isObject() && root.path("app").isObject() && !root.has("processors");
    }

    /**
     * @param root the definition as read from YAML (or JSON); a contrib template (the app under {@code app}) is
     *             accepted as well
     */
    static AppPlan plan(JsonNode root) {
        if (root == null || !root.isObject()) {
            throw ApiException.invalid("the app definition must be a mapping (name, input_fields, processors, …)");
        }
        String base = template(root) ? "app" : "";
        JsonNode app = app(root);
        String name = requiredText(app, base, "name");
        if (name.isBlank() || name.length() > 180) {
            throw ApiException.invalid(at(base, "name") + " must be 1 to 180 characters");
        }
        try {
            Slugs.of(Slugs.PROMPT, name);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid(at(base, "name") + ": " + e.getMessage());
        }
        String description = optionalText(app, base, "description");
        String typeSlug = optionalText(app, base, "type_slug");
        if (typeSlug != null && !APP_TYPES.contains(typeSlug)) {
            throw ApiException.invalid(at(base, "type_slug") + " " + typeSlug + " is not supported (web or chat apps"
                    + " only; agents, voice and integrations have no equivalent here)");
        }
        String changeNote = optionalText(app, base, "comment");

        Set<String> fields = inputFields(app.get("input_fields"), at(base, "input_fields"));
        Set<String> usedFields = new LinkedHashSet<>();
        List<AppPlan.Step> steps = processors(app.get("processors"), at(base, "processors"), fields, usedFields);
        Set<String> stepIds = new HashSet<>(steps.stream().map(AppPlan.Step::id).toList());

        String outputPath = at(at(base, "output_template"), "markdown");
        JsonNode output = app.get("output_template");
        if (output == null || !output.isObject() || !output.path("markdown").isTextual()) {
            throw ApiException.invalid(outputPath + " is required: the template of the app's output");
        }
        String template = output.get("markdown").asText();
        Translation translated = translate(template, outputPath, fields, stepIds);
        usedFields.addAll(translated.fields());

        Optional<String> whole = wholeAnswer(template, stepIds);
        if (steps.size() == 1 && whole.isPresent()) {
            return new AppPlan(name, description, changeNote, RunKind.PROMPT, steps, translated.template(),
                    List.copyOf(usedFields), new AppPlan.Live(steps.get(0).id(), ""));
        }
        return new AppPlan(name, description, changeNote, RunKind.WORKFLOW, steps, translated.template(),
                List.copyOf(usedFields), live(translated.template(), stepIds));
    }

    private static Set<String> inputFields(JsonNode node, String path) {
        Set<String> names = new LinkedHashSet<>();
        if (node == null || node.isNull()) {
            return names;
        }
        if (!node.isArray()) {
            throw ApiException.invalid(path + " must be a list of fields");
        }
        for (int i = 0; i < node.size(); i++) {
            String fieldPath = path + "[" + i + "]";
            JsonNode field = node.get(i);
            if (!field.isObject()) {
                throw ApiException.invalid(fieldPath + " must be a mapping with name and type");
            }
            String name = requiredText(field, fieldPath, "name");
            if (!FIELD_NAME.matcher(name).matches()) {
                throw ApiException.invalid(at(fieldPath, "name") + " must match [A-Za-z][A-Za-z0-9_]{0,63}, not " + name);
            }
            if (!names.add(name)) {
                throw ApiException.invalid(at(fieldPath, "name") + " " + name + " is declared twice");
            }
            String type = optionalText(field, fieldPath, "type");
            if (type != null && !FIELD_TYPES.contains(type)) {
                throw ApiException.invalid(at(fieldPath, "type") + " " + type + " is not supported (one of "
                        + String.join(", ", FIELD_TYPES.stream().sorted().toList()) + "; files, images and voice are not)");
            }
        }
        return names;
    }

    private static List<AppPlan.Step> processors(JsonNode node, String path, Set<String> fields, Set<String> usedFields) {
        if (node == null || !node.isArray() || node.isEmpty()) {
            throw ApiException.invalid(path + " must list at least one processor");
        }
        List<AppPlan.Step> steps = new ArrayList<>();
        Set<String> earlier = new LinkedHashSet<>();
        for (int i = 0; i < node.size(); i++) {
            String stepPath = path + "[" + i + "]";
            JsonNode processor = node.get(i);
            if (!processor.isObject()) {
                throw ApiException.invalid(stepPath + " must be a mapping (id, provider_slug, processor_slug, input, config)");
            }
            String id = requiredText(processor, stepPath, "id");
            if (!STEP_ID.matcher(id).matches() || id.equals("_inputs0")) {
                throw ApiException.invalid(at(stepPath, "id") + " must be letters, digits and _ (at most 64, a letter"
                        + " among them), not _inputs0 (the app's input); not " + id);
            }
            if (earlier.contains(id)) {
                throw ApiException.invalid(at(stepPath, "id") + " " + id + " is used by an earlier processor");
            }
            String provider = requiredText(processor, stepPath, "provider_slug");
            String slug = requiredText(processor, stepPath, "processor_slug");
            if (!OPENAI.equals(provider) || !CHAT_PROCESSORS.contains(slug)) {
                throw ApiException.invalid(at(stepPath, "processor_slug") + " " + provider + "/" + slug
                        + " is not supported (openai/chatgpt or openai/chat_completions)");
            }
            steps.add(new AppPlan.Step(id, prompt(processor, stepPath, fields, earlier, usedFields)));
            earlier.add(id);
        }
        return steps;
    }

    private static PromptConfig prompt(JsonNode processor, String path, Set<String> fields, Set<String> earlier,
            Set<String> usedFields) {
        String inputPath = at(path, "input");
        JsonNode input = processor.get("input");
        if (input == null || !input.isObject()) {
            throw ApiException.invalid(inputPath + " must be a mapping with messages");
        }
        for (String key : iterable(input.fieldNames())) {
            if (!Set.of("messages", "system_message", "chat_history", "functions").contains(key)) {
                throw ApiException.invalid(at(inputPath, key) + " is not supported (messages, system_message)");
            }
        }
        requireEmpty(input.get("chat_history"), at(inputPath, "chat_history"), "seed history is not supported: "
                + "a session's own turns are its history (config.retain_history)");
        requireEmpty(input.get("functions"), at(inputPath, "functions"), "functions are not supported");

        String system = optionalText(input, inputPath, "system_message");
        if (system != null) {
            Translation translated = translate(system, at(inputPath, "system_message"), fields, earlier);
            usedFields.addAll(translated.fields());
            system = translated.template().isBlank() ? null : translated.template();
        }
        JsonNode messages = input.get("messages");
        String messagesPath = at(inputPath, "messages");
        if (messages == null || !messages.isArray() || messages.isEmpty()) {
            throw ApiException.invalid(messagesPath + " must list at least one message");
        }
        List<PromptMessage> templates = new ArrayList<>();
        for (int m = 0; m < messages.size(); m++) {
            String messagePath = messagesPath + "[" + m + "]";
            JsonNode message = messages.get(m);
            if (!message.isObject()) {
                throw ApiException.invalid(messagePath + " must be a mapping with role and content");
            }
            String role = requiredText(message, messagePath, "role");
            if (!role.equals("user") && !role.equals("assistant")) {
                throw ApiException.invalid(at(messagePath, "role") + " must be user or assistant, not " + role
                        + " (the system message is input.system_message)");
            }
            JsonNode call = message.path("function_call");
            if (call.isObject() && !call.path("name").asText("").isEmpty()) {
                throw ApiException.invalid(at(messagePath, "function_call") + " is not supported");
            }
            Translation content = translate(requiredText(message, messagePath, "content"), at(messagePath, "content"),
                    fields, earlier);
            usedFields.addAll(content.fields());
            templates.add(new PromptMessage(role, content.template()));
        }
        return config(processor.get("config"), at(path, "config"), system, templates);
    }

    private static PromptConfig config(JsonNode config, String path, String system, List<PromptMessage> messages) {
        if (config != null && !config.isNull() && !config.isObject()) {
            throw ApiException.invalid(path + " must be a mapping");
        }
        JsonNode settings = config == null || config.isNull() ? com.fasterxml.jackson.databind.node.NullNode.getInstance()
                : config;
        for (String key : iterable(settings.fieldNames())) {
            if (!CONFIG.contains(key) && !IGNORED_CONFIG.contains(key)) {
                throw ApiException.invalid(at(path, key) + " is not supported");
            }
        }
        String model = settings.has("model") ? requiredText(settings, path, "model") : DEFAULT_MODEL;
        if (!ModelCatalogue.contains(OPENAI, model)) {
            throw ApiException.invalid(at(path, "model") + " " + model + " is not in the model catalogue for openai (one of "
                    + String.join(", ", ModelCatalogue.models(OPENAI)) + ")");
        }
        Map<String, Object> params = new LinkedHashMap<>();
        JsonNode maxTokens = settings.get("max_tokens");
        if (maxTokens != null && !maxTokens.isNull()) {
            if (!maxTokens.isIntegralNumber() || maxTokens.asLong() < 1 || maxTokens.asLong() > 1_000_000) {
                throw ApiException.invalid(at(path, "max_tokens") + " must be an integer from 1 to 1000000");
            }
            params.put("maxCompletionTokens", maxTokens.asInt());
        }
        number(settings, path, "temperature", 0, 2).ifPresent(value -> params.put("temperature", value));
        number(settings, path, "top_p", 0, 1).ifPresent(value -> params.put("topP", value));
        JsonNode n = settings.get("n");
        if (n != null && !n.isNull() && !(n.isIntegralNumber() && n.asInt() == 1)) {
            throw ApiException.invalid(at(path, "n") + " must be 1: an app answers once");
        }
        JsonNode functionCall = settings.get("function_call");
        if (functionCall != null && !functionCall.isNull() && !functionCall.asText("").isEmpty()) {
            throw ApiException.invalid(at(path, "function_call") + " is not supported");
        }
        JsonNode retain = settings.get("retain_history");
        if (retain != null && !retain.isNull() && !retain.isBoolean()) {
            throw ApiException.invalid(at(path, "retain_history") + " must be true or false");
        }
        String memory = retain != null && retain.asBoolean(false) ? "read_write" : "stateless";
        return new PromptConfig(OPENAI, model, params, null, system, messages, List.of(), memory);
    }

    /**
     * Rewrites LLMStack's references into placeholders: {@code {{_inputs0.topic}}} becomes {@code {{topic}}} (a run
     * input), {@code {{_inputs1.choices[0].content}}} becomes {@code {{_inputs1}}} (that processor's answer).
     */
    static Translation translate(String template, String path, Set<String> fields, Set<String> steps) {
        Set<String> used = new LinkedHashSet<>();
        Matcher matcher = EXPRESSION.matcher(template);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String expression = matcher.group(1);
            if (expression == null) {
                throw ApiException.invalid(path + ": template statements ({% … %}) are not supported");
            }
            Matcher input = INPUT_REFERENCE.matcher(expression);
            Matcher step = STEP_REFERENCE.matcher(expression);
            String placeholder;
            if (input.matches()) {
                placeholder = input.group(1);
                if (!fields.contains(placeholder)) {
                    throw ApiException.invalid(path + ": {{" + expression.strip() + "}} names no field of input_fields");
                }
                used.add(placeholder);
            } else if (step.matches()) {
                placeholder = step.group(1);
                if (!steps.contains(placeholder)) {
                    throw ApiException.invalid(path + ": {{" + expression.strip() + "}} names no earlier processor");
                }
            } else {
                throw ApiException.invalid(path + ": {{" + expression.strip() + "}} is not supported; a template may"
                        + " refer to {{_inputs0.<input field>}} and {{<processor id>.choices[0].content}}");
            }
            matcher.appendReplacement(out, Matcher.quoteReplacement("{{" + placeholder + "}}"));
        }
        matcher.appendTail(out);
        return new Translation(out.toString(), used);
    }

    /** The processor whose answer is the whole template (surrounding white space aside), if one is. */
    private static Optional<String> wholeAnswer(String template, Set<String> steps) {
        Matcher matcher = Pattern.compile("\\s*\\{\\{(.*?)}}\\s*", Pattern.DOTALL).matcher(template);
        if (!matcher.matches()) {
            return Optional.empty();
        }
        Matcher step = STEP_REFERENCE.matcher(matcher.group(1));
        return step.matches() && steps.contains(step.group(1)) ? Optional.of(step.group(1)) : Optional.empty();
    }

    /**
     * What of a workflow's output can stream: the answer of the first processor the output template names, after
     * the text before it; null when the template names no processor (the output then comes whole, at the end).
     */
    private static AppPlan.Live live(String translated, Set<String> steps) {
        Matcher matcher = Pattern.compile("\\{\\{([A-Za-z_][A-Za-z0-9_]*)}}").matcher(translated);
        while (matcher.find()) {
            if (steps.contains(matcher.group(1))) {
                return new AppPlan.Live(matcher.group(1), translated.substring(0, matcher.start()));
            }
        }
        return null;
    }

    private static Optional<Double> number(JsonNode settings, String path, String key, double min, double max) {
        JsonNode value = settings.get(key);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isNumber() || value.asDouble() < min || value.asDouble() > max) {
            throw ApiException.invalid(at(path, key) + " must be a number from " + min + " to " + max);
        }
        return Optional.of(value.asDouble());
    }

    private static void requireEmpty(JsonNode node, String path, String reason) {
        if (node != null && !node.isNull() && !(node.isArray() && node.isEmpty())) {
            throw ApiException.invalid(path + ": " + reason);
        }
    }

    private static String requiredText(JsonNode node, String path, String key) {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            throw ApiException.invalid(at(path, key) + " is required");
        }
        if (!value.isTextual()) {
            throw ApiException.invalid(at(path, key) + " must be a string");
        }
        return value.asText();
    }

    private static String optionalText(JsonNode node, String path, String key) {
        JsonNode value = node.get(key);
        return value == null || value.isNull() ? null : requiredText(node, path, key);
    }

    static String at(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private static <T> Iterable<T> iterable(java.util.Iterator<T> iterator) {
        return () -> iterator;
    }

    /** @param fields the input fields the template refers to */
    record Translation(String template, Set<String> fields) {
    }
}
