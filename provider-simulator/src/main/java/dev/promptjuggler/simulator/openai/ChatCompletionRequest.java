package dev.promptjuggler.simulator.openai;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * An OpenAI Chat Completions request body ({@code POST /v1/chat/completions}). Only the fields the simulator
 * looks at or validates are modelled; unknown fields are ignored, as OpenAI does. Fields read only in part
 * ({@code response_format}, {@code tools}, ...) are kept as raw JSON.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ChatCompletionRequest(
        String model,
        List<Message> messages,
        @JsonProperty("max_completion_tokens") Integer maxCompletionTokens,
        @JsonProperty("max_tokens") Integer maxTokens,
        Double temperature,
        @JsonProperty("top_p") Double topP,
        Integer n,
        @JsonProperty("response_format") JsonNode responseFormat,
        JsonNode tools,
        @JsonProperty("tool_choice") JsonNode toolChoice,
        JsonNode stop,
        Long seed,
        Boolean stream,
        @JsonProperty("stream_options") JsonNode streamOptions,
        String user,
        @JsonProperty("web_search_options") JsonNode webSearchOptions) {

    /** {@code stream_options.include_usage}: a streamed answer ends with a chunk carrying the usage. */
    public boolean includeUsage() {
        return streamOptions != null && streamOptions.path("include_usage").asBoolean(false);
    }

    /**
     * One chat message. {@code content} is either a string, an array of content parts
     * ({@code {"type":"text","text":"..."}}, other part types are accepted and ignored) or {@code null}
     * (assistant messages that only carry tool calls).
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Message(String role, JsonNode content, String name,
            @JsonProperty("tool_call_id") String toolCallId,
            @JsonProperty("tool_calls") List<ToolCall> toolCalls) {

        /**
         * The message's text: the string content, or the text parts joined by a single space, or "" when there
         * is no text.
         */
        public String text() {
            if (content == null || content.isNull()) {
                return "";
            }
            if (content.isTextual()) {
                return content.textValue();
            }
            StringBuilder text = new StringBuilder();
            for (JsonNode part : content) {
                if ("text".equals(part.path("type").asText()) && part.path("text").isTextual()) {
                    if (!text.isEmpty()) {
                        text.append(' ');
                    }
                    text.append(part.path("text").textValue());
                }
            }
            return text.toString();
        }
    }

    /** A function call of an earlier assistant message. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record ToolCall(String id, Function function) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Function(String name, String arguments) {
    }
}
