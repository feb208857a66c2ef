package dev.promptjuggler.executor.service;

import dev.promptjuggler.executor.config.ExecutorConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/**
 * How deep runs may nest inside a run ({@code executor.max-nesting-depth}): a prompt or workflow tool, a Workflow
 * node and a Fanout node's workflow each start their run one level below the one that starts them. A prompt or
 * workflow that reaches itself again must end somewhere; this is the one bound for every way of nesting.
 */
@ApplicationScoped
public class NestingLimit {

    private final int maxDepth;

    public NestingLimit(ExecutorConfig config) {
        this.maxDepth = config.maxNestingDepth();
    }

    /** @return why a nested run at {@code depth} (1 for one started by the run itself) may not start; empty if it may */
    public Optional<String> refusal(int depth) {
        return depth > maxDepth
                ? Optional.of("runs nest at most " + maxDepth + " deep (executor.max-nesting-depth)")
                : Optional.empty();
    }
}
