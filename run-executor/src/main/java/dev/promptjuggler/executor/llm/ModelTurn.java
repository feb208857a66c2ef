package dev.promptjuggler.executor.llm;

/**
 * One successful model turn, as the run's token usage and cost count it.
 *
 * @param webSearchCalls native web searches the provider ran (priced per call)
 */
public record ModelTurn(String provider, String model, TokenUsage usage, int webSearchCalls) {
}
