package dev.promptjuggler.executor.llm;

/**
 * The SDK's {@code TokenUsage}. {@code input} counts every input token, cached and cache-written ones included;
 * {@code output} counts every output token, reasoning included.
 *
 * @param inputCacheWrite input tokens written to the provider's prompt cache (Anthropic), priced apart
 */
public record TokenUsage(long input, long inputCached, long output, long reasoning, long total, long inputCacheWrite) {

    public static final TokenUsage NONE = new TokenUsage(0, 0, 0, 0, 0, 0);

    public TokenUsage(long input, long inputCached, long output, long reasoning, long total) {
        this(input, inputCached, output, reasoning, total, 0);
    }

    public TokenUsage plus(TokenUsage other) {
        return other == null ? this : new TokenUsage(input + other.input, inputCached + other.inputCached,
                output + other.output, reasoning + other.reasoning, total + other.total,
                inputCacheWrite + other.inputCacheWrite);
    }
}
