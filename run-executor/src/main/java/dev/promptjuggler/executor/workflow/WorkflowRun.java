package dev.promptjuggler.executor.workflow;

import dev.promptjuggler.executor.stream.RunStream;
import java.util.Map;
import java.util.UUID;

/**
 * What a workflow run needs from its run record (a nested workflow: from the run it is part of).
 *
 * @param stream the run's live stream: its Prompt nodes stream on their channels
 */
public record WorkflowRun(UUID runId, UUID tenantId, UUID threadId, Map<String, String> inputs,
        Map<String, String> variables, RunStream stream) {

    /** A workflow that streams nothing (one a workflow tool runs: its answer is the tool's result). */
    public WorkflowRun(UUID runId, UUID tenantId, UUID threadId, Map<String, String> inputs,
            Map<String, String> variables) {
        this(runId, tenantId, threadId, inputs, variables, RunStream.NONE);
    }
}
