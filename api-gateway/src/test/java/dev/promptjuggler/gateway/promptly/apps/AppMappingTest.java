package dev.promptjuggler.gateway.promptly.apps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.promptjuggler.contracts.RunKind;
import dev.promptjuggler.contracts.prompt.PromptMessage;
import dev.promptjuggler.gateway.api.ApiException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What an LLMStack app definition becomes, and the path every refusal names. Plain JUnit: no stack needed. */
class AppMappingTest {

    private static final YAMLMapper YAML = new YAMLMapper();

    static final String TRANSLATOR = """
            name: Translator
            input_fields:
              - { name: text, type: text }
              - { name: language, type: string }
              - { name: unused, type: string }
            output_template:
              markdown: |
                {{_inputs1.choices[0].content}}
            processors:
              - id: _inputs1
                provider_slug: openai
                processor_slug: chatgpt
                input:
                  system_message: You translate into {{_inputs0.language}}.
                  messages:
                    - { role: user, content: "{{ _inputs0.text }}", function_call: { name: "", arguments: "" } }
                  chat_history: []
                config: { model: gpt-4o-mini, max_tokens: 256, temperature: 0.2, top_p: 1, n: 1, stream: true,
                          retain_history: true }
            """;

    static final String CHAIN = """
            name: Summary then title
            input_fields:
              - { name: text, type: text }
            output_template:
              markdown: "Title: {{_inputs2.choices[0].content}} ({{_inputs0.text}})"
            processors:
              - id: _inputs1
                provider_slug: openai
                processor_slug: chat_completions
                input: { messages: [ { role: user, content: "Summarise: {{_inputs0.text}}" } ] }
              - id: _inputs2
                provider_slug: openai
                processor_slug: chatgpt
                input: { messages: [ { role: user, content: "A title for: {{_inputs1.choices[0].content}}" } ] }
            """;

    @Test
    void oneProcessorWhoseAnswerIsTheOutputIsAPrompt() throws Exception {
        AppPlan plan = AppMapping.plan(YAML.readTree(TRANSLATOR));
        assertEquals(RunKind.PROMPT, plan.kind());
        var prompt = plan.steps().get(0).prompt();
        assertEquals("openai", prompt.provider());
        assertEquals("gpt-4o-mini", prompt.model());
        assertEquals("You translate into {{language}}.", prompt.systemInstruction());
        assertEquals(List.of(new PromptMessage("user", "{{text}}")), prompt.messages());
        assertEquals(Map.of("maxCompletionTokens", 256, "temperature", 0.2, "topP", 1.0), prompt.modelParams());
        assertEquals("read_write", prompt.memory());
        assertEquals(List.of("language", "text"), plan.inputs(), "only the fields a template uses are required");
        assertEquals(new AppPlan.Live("_inputs1", ""), plan.live());
    }

    @Test
    void withoutRetainHistoryAStepForgetsAndTheDefaultModelIsLlmStacks() throws Exception {
        AppPlan plan = AppMapping.plan(YAML.readTree(CHAIN));
        assertEquals("stateless", plan.steps().get(0).prompt().memory());
        assertEquals(AppMapping.DEFAULT_MODEL, plan.steps().get(0).prompt().model());
    }

    @Test
    void aChainIsAWorkflowOfPromptNodesWiredByTheirReferences() throws Exception {
        AppPlan plan = AppMapping.plan(YAML.readTree(CHAIN));
        assertEquals(RunKind.WORKFLOW, plan.kind());
        assertEquals(List.of(new PromptMessage("user", "A title for: {{_inputs1}}")),
                plan.steps().get(1).prompt().messages());
        UUID first = UUID.randomUUID();
        UUID second = UUID.randomUUID();
        Map<String, Object> graph = plan.workflow(Map.of("_inputs1", new AppPlan.PublishedStep(first, 1),
                "_inputs2", new AppPlan.PublishedStep(second, 3)));
        JsonNode tree = YAML.valueToTree(graph);
        assertEquals(List.of("input", "prompt", "prompt", "output", "string"),
                tree.path("nodes").findValuesAsText("type"));
        assertEquals(second.toString(), tree.path("nodes").get(2).path("settings").path("prompt").asText());
        assertEquals("3", tree.path("nodes").get(2).path("settings").path("version").asText());
        assertEquals("_inputs2", tree.path("nodes").get(2).path("settings").path("channel").asText());
        assertEquals("Title: {{_inputs2}} ({{text}})", tree.path("nodes").get(4).path("settings").path("template").asText());
        assertEquals(List.of("in_text>_inputs1:text", "_inputs1>_inputs2:_inputs1", "_inputs2>render:_inputs2",
                        "in_text>render:text", "render>out:in"),
                YAML.convertValue(tree.path("edges"), List.class).stream()
                        .map(edge -> ((Map<?, ?>) edge).get("from") + ">" + ((Map<?, ?>) edge).get("to") + ":"
                                + ((Map<?, ?>) edge).get("toHandle"))
                        .toList());
        assertEquals(new AppPlan.Live("_inputs2", "Title: "), plan.live(), "the text before the answer streams first");
    }

    @Test
    void aContribTemplateIsReadFromItsApp() throws Exception {
        String template = "name: Template\nslug: t\napp:\n" + TRANSLATOR.indent(2);
        assertEquals(RunKind.PROMPT, AppMapping.plan(YAML.readTree(template)).kind());
        assertEquals("Translator", AppMapping.app(YAML.readTree(template)).path("name").asText());
    }

    @Test
    void anOutputOfInputsOnlyStreamsNothingLive() throws Exception {
        AppPlan plan = AppMapping.plan(YAML.readTree(TRANSLATOR.replace("{{_inputs1.choices[0].content}}",
                "{{_inputs0.text}}")));
        assertEquals(RunKind.WORKFLOW, plan.kind());
        assertNull(plan.live());
    }

    @Test
    void whatDoesNotMapIsRefusedNamingItsPath() {
        assertRefused(TRANSLATOR.replace("processor_slug: chatgpt", "processor_slug: text_to_speech"),
                "processors[0].processor_slug openai/text_to_speech is not supported");
        assertRefused(TRANSLATOR.replace("provider_slug: openai", "provider_slug: anthropic"),
                "processors[0].processor_slug anthropic/chatgpt is not supported");
        assertRefused(TRANSLATOR.replace("{{ _inputs0.text }}", "{{ _inputs0.text | upper }}"),
                "processors[0].input.messages[0].content: {{_inputs0.text | upper}} is not supported");
        assertRefused(TRANSLATOR.replace("{{ _inputs0.text }}", "{% if x %}y{% endif %}"),
                "processors[0].input.messages[0].content: template statements");
        assertRefused(TRANSLATOR.replace("{{ _inputs0.text }}", "{{_inputs0.missing}}"),
                "processors[0].input.messages[0].content: {{_inputs0.missing}} names no field of input_fields");
        assertRefused(TRANSLATOR.replace("{ name: language, type: string }", "{ name: language, type: file }"),
                "input_fields[1].type file is not supported");
        assertRefused(TRANSLATOR.replace("model: gpt-4o-mini", "model: gpt-2"),
                "processors[0].config.model gpt-2 is not in the model catalogue for openai");
        assertRefused(TRANSLATOR.replace("stream: true", "best_of: 2"), "processors[0].config.best_of is not supported");
        assertRefused(TRANSLATOR.replace("n: 1", "n: 3"), "processors[0].config.n must be 1");
        assertRefused(TRANSLATOR.replace("role: user", "role: system"),
                "processors[0].input.messages[0].role must be user or assistant, not system");
        assertRefused(TRANSLATOR.replace("chat_history: []", "chat_history: [ { role: user, content: hi } ]"),
                "processors[0].input.chat_history: seed history is not supported");
        assertRefused(TRANSLATOR.replace("output_template:\n  markdown: |\n    {{_inputs1.choices[0].content}}\n", ""),
                "output_template.markdown is required");
        assertRefused(TRANSLATOR.replace("{{_inputs1.choices[0].content}}", "{{_inputs9.choices[0].content}}"),
                "output_template.markdown: {{_inputs9.choices[0].content}} names no earlier processor");
        assertRefused(CHAIN.replace("A title for: {{_inputs1.choices[0].content}}", "{{_inputs2.choices[0].content}}"),
                "processors[1].input.messages[0].content: {{_inputs2.choices[0].content}} names no earlier processor");
        assertRefused(TRANSLATOR.replace("type_slug", "x").replace("name: Translator", "name: Translator\ntype_slug: agent"),
                "type_slug agent is not supported");
        assertRefused("name: Template\napp:\n" + TRANSLATOR.replace("temperature: 0.2", "temperature: 7").indent(2),
                "app.processors[0].config.temperature must be a number from 0.0 to 2.0");
        assertRefused("- a list", "the app definition must be a mapping");
    }

    private static void assertRefused(String yaml, String message) {
        ApiException refused = assertThrows(ApiException.class, () -> AppMapping.plan(YAML.readTree(yaml)), yaml);
        assertEquals(422, refused.status());
        if (!refused.getMessage().startsWith(message)) {
            assertEquals(message, refused.getMessage());
        }
    }
}
