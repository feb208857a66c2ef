package dev.promptjuggler.executor.service;

import dev.promptjuggler.contracts.prompt.PromptConfig;
import dev.promptjuggler.contracts.prompt.PromptTemplate;
import dev.promptjuggler.executor.llm.ChatMessage;
import dev.promptjuggler.executor.llm.ChatModels;
import dev.promptjuggler.executor.llm.ChatRequest;
import dev.promptjuggler.executor.llm.ResponseFormat;
import dev.promptjuggler.executor.llm.TokenUsage;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;

/** Renders a revision's templates with a run's inputs and asks the revision's provider for the answer. */
@ApplicationScoped
public class PromptRunner {

    private final ChatModels models;

    public PromptRunner(ChatModels models) {
        this.models = models;
    }

    /**
     * @param variables the run's environment variables: {@code ${VAR}} in templates, and the provider's key
     *                  ({@code OPENAI_API_KEY}, {@code ANTHROPIC_API_KEY}, {@code GEMINI_API_KEY}) when the run
     *                  brings one
     */
    public Uni<Completion> run(PromptConfig config, Map<String, String> inputs, Map<String, String> variables) {
        return Uni.createFrom().item(() -> chatRequest(config, inputs, variables))
                // The last attempt's failure fails the run; earlier ones are the tool loop's to record.
                .chain(request -> models.complete(config.provider(), request, variables, failure -> {
                }))
                .map(response -> new Completion(response.text(), response.usage()));
    }

    static ChatRequest chatRequest(PromptConfig config, Map<String, String> inputs, Map<String, String> variables) {
        String system = config.systemInstruction() == null || config.systemInstruction().isBlank() ? null
                : PromptTemplate.render(config.systemInstruction(), inputs, variables);
        List<ChatMessage> messages = config.messages().stream().map(message -> {
            String text = PromptTemplate.render(message.content(), inputs, variables);
            return "assistant".equals(message.role()) ? (ChatMessage) new ChatMessage.Assistant(text)
                    : new ChatMessage.User(text);
        }).toList();
        return new ChatRequest(config.model(), system, messages, List.of(), webSearch(config.tools()),
                responseFormat(config.responseFormat()), config.modelParams());
    }

    /** The SDK's {@code WebSearch} tool, the only one that needs no tool loop: the provider runs it. */
    @SuppressWarnings("unchecked")
    private static ChatRequest.WebSearch webSearch(List<Map<String, Object>> tools) {
        return tools.stream().filter(tool -> "web_search".equals(tool.get("type"))).findFirst()
                .map(tool -> new ChatRequest.WebSearch(tool.get("allowedDomains") instanceof List<?> domains
                        ? (List<String>) domains : List.of()))
                .orElse(null);
    }

    /** The SDK's {@code ResponseFormat}; its {@code schema} is JSON text. */
    private static ResponseFormat responseFormat(Map<String, Object> format) {
        if (format == null || !(format.get("type") instanceof String type) || "text".equals(type)) {
            return null;
        }
        Object raw = format.get("schema");
        Map<String, Object> schema = raw instanceof String text ? new JsonObject(text).getMap()
                : raw instanceof Map<?, ?> ? JsonObject.mapFrom(raw).getMap() : null;
        return new ResponseFormat(type, (String) format.get("name"), schema, Boolean.TRUE.equals(format.get("strict")));
    }

    public record Completion(String output, TokenUsage tokenUsage) {
    }
}
