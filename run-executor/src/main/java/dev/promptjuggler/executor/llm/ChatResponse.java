package dev.promptjuggler.executor.llm;

import java.util.List;

/**
 * One model turn, in provider-neutral terms.
 *
 * @param text        the answer's text, or null when the turn was only tool calls
 * @param toolCalls   function calls the model asked for (empty: the turn is final)
 * @param usage       tokens of this turn
 * @param webSearches the provider's native web searches during this turn
 */
public record ChatResponse(String text, List<ToolCall> toolCalls, TokenUsage usage, List<WebSearchCall> webSearches) {

    public ChatResponse {
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
        webSearches = webSearches == null ? List.of() : List.copyOf(webSearches);
    }

    /** Tells a listener a whole answer's text at once: what an answer read without streaming streams. */
    public static void tell(ChatResponse response, TextListener listener) {
        if (response.text() != null && !response.text().isEmpty()) {
            listener.text(response.text());
        }
    }

    /** A native web search: the SDK's {@code TranscriptTool} for {@code web_search}. */
    public record WebSearchCall(List<String> queries, List<Citation> citations) {
    }

    /** The SDK's {@code Citation}. */
    public record Citation(String title, String url) {
    }
}
