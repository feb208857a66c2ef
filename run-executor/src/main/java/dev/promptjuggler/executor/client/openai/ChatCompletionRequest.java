package dev.promptjuggler.executor.client.openai;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** The subset of OpenAI's {@code POST /chat/completions} body the executor sends. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ChatCompletionRequest(
        String model,
        List<Message> messages,
        @JsonProperty("max_completion_tokens") Integer maxCompletionTokens,
        Double temperature,
        @JsonProperty("top_p") Double topP) {

    /** @param role {@code system} (OpenAI calls it {@code developer} for reasoning models), {@code user}, {@code assistant} */
    public record Message(String role, String content) {
    }
}
