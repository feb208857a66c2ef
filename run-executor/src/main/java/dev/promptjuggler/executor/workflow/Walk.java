package dev.promptjuggler.executor.workflow;

import dev.promptjuggler.executor.persistence.WorkflowStore.NodeRow;
import dev.promptjuggler.executor.service.PromptRunner;
import io.opentelemetry.context.Context;
import java.util.Map;

/**
 * One graph walk's shared state: the run it belongs to, the stored results it may reuse, where in the nesting it
 * is, and what runs its Prompt nodes.
 *
 * @param prefix the node keys' prefix of a nested workflow ({@code ""} for the run's own graph)
 * @param depth  levels of nested runs above it (0 for the run's own graph)
 */
record Walk(WorkflowRun run, Map<String, NodeRow> stored, String prefix, int depth, PromptRunner prompts) {

    /** A workflow nested in this one, one level deeper, its node keys under {@code prefix}. */
    Walk nested(String nestedPrefix) {
        return new Walk(run, stored, nestedPrefix, depth + 1, prompts);
    }

    /** The same walk, what a node starts traced under {@code span} (the node's). */
    Walk tracedUnder(Context span) {
        return new Walk(run.tracedUnder(span), stored, prefix, depth, prompts);
    }
}
