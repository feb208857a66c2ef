package dev.promptjuggler.executor.workflow;

import dev.promptjuggler.executor.llm.TokenUsage;
import dev.promptjuggler.executor.service.RunCosts.RunCost;
import java.util.Map;

/**
 * How one run of a node ended.
 *
 * @param status  {@code completed}, {@code failed} or {@code skipped}
 * @param outputs the outputs the node activated, by handle (an output node keeps its value under {@code value})
 * @param usage   tokens its provider calls took, or null when it made none
 * @param cost    their cost, or null when it made none or no price covers them
 */
record NodeOutcome(String status, Map<String, String> outputs, String error, TokenUsage usage, RunCost cost) {

    static NodeOutcome completed(Map<String, String> outputs) {
        return new NodeOutcome("completed", Map.copyOf(outputs), null, null, null);
    }

    static NodeOutcome failed(String error) {
        return new NodeOutcome("failed", Map.of(), error, null, null);
    }

    static NodeOutcome skipped() {
        return new NodeOutcome("skipped", Map.of(), null, null, null);
    }

    NodeOutcome withSpend(TokenUsage tokens, RunCost price) {
        return new NodeOutcome(status, outputs, error, tokens, price);
    }

    boolean ranAndFailed() {
        return "failed".equals(status);
    }
}
