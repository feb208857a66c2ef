package dev.promptjuggler.simulator.openai;

import dev.promptjuggler.simulator.shared.SimulatedText;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;

/**
 * Builds the deterministic simulated answer to a validated chat completion request.
 *
 * <ul>
 *   <li>content: {@code "[simulated " + model + "] " + text of the last message whose role is "user"}
 *       (empty text if there is none);</li>
 *   <li>usage: prompt_tokens = whitespace-separated words over all messages' text, completion_tokens = words in
 *       the content, total_tokens = their sum;</li>
 *   <li>id: {@code "chatcmpl-"} + hex of a SHA-256 of the raw request body, so the same body gives the same id.</li>
 * </ul>
 */
@ApplicationScoped
public class ChatCompletionSimulator {

    static final String ID_PREFIX = "chatcmpl-";
    static final String SYSTEM_FINGERPRINT = "fp_simulator";

    /** The deterministic reply text for {@code request}. */
    public static String replyContent(ChatCompletionRequest request) {
        String lastUserText = "";
        for (ChatCompletionRequest.Message message : request.messages()) {
            if ("user".equals(message.role())) {
                lastUserText = message.text();
            }
        }
        return "[simulated " + request.model() + "] " + lastUserText;
    }

    /** The simulator's prompt token count: words over all messages' text contents. */
    public static int promptTokens(List<ChatCompletionRequest.Message> messages) {
        int words = 0;
        for (ChatCompletionRequest.Message message : messages) {
            words += SimulatedText.countWords(message.text());
        }
        return words;
    }

    /**
     * @param request the validated request
     * @param rawBody the exact request bytes (hashed into the id)
     * @param now     the answer time (becomes {@code created}, in epoch seconds)
     */
    public ChatCompletionResponse answer(ChatCompletionRequest request, byte[] rawBody, Instant now) {
        String content = replyContent(request);
        int promptTokens = promptTokens(request.messages());
        int completionTokens = SimulatedText.countWords(content);
        var usage = new ChatCompletionResponse.Usage(promptTokens, completionTokens, promptTokens + completionTokens,
                new ChatCompletionResponse.PromptTokensDetails(0),
                new ChatCompletionResponse.CompletionTokensDetails(0));
        var choice = new ChatCompletionResponse.Choice(0,
                new ChatCompletionResponse.AssistantMessage("assistant", content, null), null, "stop");
        return new ChatCompletionResponse(ID_PREFIX + SimulatedText.hexDigest(rawBody, 32), ChatCompletionResponse.OBJECT,
                now.getEpochSecond(), request.model(), List.of(choice), usage, SYSTEM_FINGERPRINT);
    }
}
