package dev.promptjuggler.executor.llm;

/** The SDK's {@code ModelCost}, in US dollars. */
public record ModelCost(double input, double cachedInput, double cacheWrite, double output, double webSearch,
        double total) {

    public ModelCost plus(ModelCost other) {
        return other == null ? this : new ModelCost(input + other.input, cachedInput + other.cachedInput,
                cacheWrite + other.cacheWrite, output + other.output, webSearch + other.webSearch,
                total + other.total);
    }
}
