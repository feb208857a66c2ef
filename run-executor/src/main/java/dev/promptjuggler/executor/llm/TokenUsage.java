package dev.promptjuggler.executor.llm;

/** The SDK's {@code TokenUsage}. */
public record TokenUsage(long input, long inputCached, long output, long reasoning, long total) {

    public static final TokenUsage NONE = new TokenUsage(0, 0, 0, 0, 0);

    public TokenUsage plus(TokenUsage other) {
        return other == null ? this : new TokenUsage(input + other.input, inputCached + other.inputCached,
                output + other.output, reasoning + other.reasoning, total + other.total);
    }
}
