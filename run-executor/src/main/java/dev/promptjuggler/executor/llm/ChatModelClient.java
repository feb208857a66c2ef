package dev.promptjuggler.executor.llm;

import io.smallrye.mutiny.Uni;
import java.util.Map;

/** One provider's chat API ({@code openai}, {@code anthropic}, {@code gemini}). */
public interface ChatModelClient {

    /** The provider name as prompts spell it. */
    String provider();

    /**
     * One attempt, no retries.
     *
     * @param variables the run's environment variables: the provider's key comes from there when the run has
     *                  one (e.g. {@code OPENAI_API_KEY}), otherwise from service configuration
     * @param listener  told the answer's text as it arrives (streamed providers: each delta; otherwise all of it
     *                  once the answer is read)
     * @return the turn, or a failed Uni with a {@code ProviderException} carrying status and Retry-After
     */
    Uni<ChatResponse> complete(ChatRequest request, Map<String, String> variables, TextListener listener);
}
