package dev.promptjuggler.simulator.openai;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * An OpenAI Chat Completions response ({@code "object": "chat.completion"}), field for field as OpenAI sends
 * it, including the explicit {@code null}s ({@code refusal}, {@code logprobs}).
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonPropertyOrder({"id", "object", "created", "model", "choices", "usage", "system_fingerprint"})
public record ChatCompletionResponse(
        String id,
        String object,
        long created,
        String model,
        List<Choice> choices,
        Usage usage,
        @JsonProperty("system_fingerprint") String systemFingerprint) {

    /** Value of {@code object} for a non-streamed chat completion. */
    public static final String OBJECT = "chat.completion";

    /** One choice; the simulator always returns exactly one, with index 0. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @JsonPropertyOrder({"index", "message", "logprobs", "finish_reason"})
    public record Choice(
            int index,
            AssistantMessage message,
            Object logprobs,
            @JsonProperty("finish_reason") String finishReason) {
    }

    /**
     * The generated message: {@code role} is always "assistant", {@code refusal} always null; {@code content} is
     * null when the message is only tool calls; {@code tool_calls} is left out when there are none.
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @JsonPropertyOrder({"role", "content", "refusal", "tool_calls", "annotations"})
    public record AssistantMessage(String role, String content, String refusal,
            @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("tool_calls") List<ToolCall> toolCalls,
            List<Annotation> annotations) {
    }

    /** A function call; {@code arguments} is JSON text, as OpenAI sends it. */
    public record ToolCall(String id, String type, Function function) {
    }

    public record Function(String name, String arguments) {
    }

    /** A web search citation: {@code {"type": "url_citation", "url_citation": {...}}}. */
    public record Annotation(String type, @JsonProperty("url_citation") UrlCitation urlCitation) {
    }

    public record UrlCitation(@JsonProperty("start_index") int startIndex, @JsonProperty("end_index") int endIndex,
            String title, String url) {
    }

    /** Token usage, counted with the simulator's crude word count. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @JsonPropertyOrder({"prompt_tokens", "completion_tokens", "total_tokens", "prompt_tokens_details",
            "completion_tokens_details"})
    public record Usage(
            @JsonProperty("prompt_tokens") int promptTokens,
            @JsonProperty("completion_tokens") int completionTokens,
            @JsonProperty("total_tokens") int totalTokens,
            @JsonProperty("prompt_tokens_details") PromptTokensDetails promptTokensDetails,
            @JsonProperty("completion_tokens_details") CompletionTokensDetails completionTokensDetails) {
    }

    /** Always {@code {"cached_tokens": 0}}: the simulator has no prompt cache. */
    public record PromptTokensDetails(@JsonProperty("cached_tokens") int cachedTokens) {
    }

    /** Always {@code {"reasoning_tokens": 0}}: the simulator does not reason. */
    public record CompletionTokensDetails(@JsonProperty("reasoning_tokens") int reasoningTokens) {
    }
}
