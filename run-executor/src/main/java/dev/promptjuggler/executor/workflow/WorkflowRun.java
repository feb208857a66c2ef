package dev.promptjuggler.executor.workflow;

import dev.promptjuggler.executor.stream.RunStream;
import io.opentelemetry.context.Context;
import java.util.Map;
import java.util.UUID;

/**
 * What a workflow run needs from its run record (a nested workflow: from the run it is part of).
 *
 * @param stream the run's live stream: its Prompt nodes stream on their channels
 * @param trace  the span its nodes' spans belong under: the run's, or the node or tool call that nests it
 */
public record WorkflowRun(UUID runId, UUID tenantId, UUID threadId, Map<String, String> inputs,
        Map<String, String> variables, RunStream stream, Context trace) {

    /** A workflow that streams nothing (one a workflow tool runs: its answer is the tool's result). */
    public WorkflowRun(UUID runId, UUID tenantId, UUID threadId, Map<String, String> inputs,
            Map<String, String> variables, Context trace) {
        this(runId, tenantId, threadId, inputs, variables, RunStream.NONE, trace);
    }

    /** The same run, its work traced under {@code span}. */
    public WorkflowRun tracedUnder(Context span) {
        return new WorkflowRun(runId, tenantId, threadId, inputs, variables, stream, span);
    }
}
