package dev.promptjuggler.executor.service;

import dev.promptjuggler.contracts.prompt.PromptConfig;
import dev.promptjuggler.contracts.prompt.PromptTemplate;
import dev.promptjuggler.executor.client.openai.ChatCompletionRequest;
import dev.promptjuggler.executor.client.openai.ChatCompletionResponse;
import dev.promptjuggler.executor.client.openai.OpenAiClient;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Renders a revision's templates with a run's inputs and asks the revision's provider for the answer. */
@ApplicationScoped
public class PromptRunner {

    private final OpenAiClient openAi;

    public PromptRunner(OpenAiClient openAi) {
        this.openAi = openAi;
    }

    /**
     * @param variables the run's environment variables: {@code ${VAR}} in templates, and the provider's
     *                  key ({@code OPENAI_API_KEY}) when the run brings one
     */
    public Uni<Completion> run(PromptConfig config, Map<String, String> inputs, Map<String, String> variables) {
        return switch (config.provider()) {
            case "openai" -> Uni.createFrom().item(() -> openAiRequest(config, inputs, variables))
                    .chain(request -> openAi.complete(request, variables.get(OpenAiClient.API_KEY_VARIABLE)))
                    .map(PromptRunner::completion);
            default -> Uni.createFrom().failure(
                    new UnsupportedOperationException("provider " + config.provider() + " is not supported yet"));
        };
    }

    static ChatCompletionRequest openAiRequest(PromptConfig config, Map<String, String> inputs,
            Map<String, String> variables) {
        List<ChatCompletionRequest.Message> messages = new ArrayList<>();
        if (config.systemInstruction() != null && !config.systemInstruction().isBlank()) {
            messages.add(new ChatCompletionRequest.Message("system",
                    PromptTemplate.render(config.systemInstruction(), inputs, variables)));
        }
        config.messages().forEach(message -> messages.add(new ChatCompletionRequest.Message(message.role(),
                PromptTemplate.render(message.content(), inputs, variables))));
        Map<String, Object> params = config.modelParams();
        Number maxTokens = number(params.get("maxCompletionTokens"));
        Number temperature = number(params.get("temperature"));
        Number topP = number(params.get("topP"));
        return new ChatCompletionRequest(config.model(), messages,
                maxTokens == null ? null : maxTokens.intValue(),
                temperature == null ? null : temperature.doubleValue(),
                topP == null ? null : topP.doubleValue());
    }

    private static Completion completion(ChatCompletionResponse response) {
        if (response.choices() == null || response.choices().isEmpty()) {
            throw new IllegalStateException("openai returned no choices");
        }
        var message = response.choices().get(0).message();
        if (message.refusal() != null) {
            throw new IllegalStateException("the model refused: " + message.refusal());
        }
        var usage = response.usage();
        TokenUsage tokens = usage == null ? null : new TokenUsage(usage.promptTokens(),
                usage.promptTokensDetails() == null ? 0 : usage.promptTokensDetails().cachedTokens(),
                usage.completionTokens(),
                usage.completionTokensDetails() == null ? 0 : usage.completionTokensDetails().reasoningTokens(),
                usage.totalTokens());
        return new Completion(message.content(), tokens);
    }

    private static Number number(Object value) {
        return value instanceof Number number ? number : null;
    }

    public record Completion(String output, TokenUsage tokenUsage) {
    }

    /** The SDK's {@code TokenUsage}. */
    public record TokenUsage(long input, long inputCached, long output, long reasoning, long total) {
    }
}
