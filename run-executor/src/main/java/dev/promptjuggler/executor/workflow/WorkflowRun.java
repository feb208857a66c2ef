package dev.promptjuggler.executor.workflow;

import java.util.Map;
import java.util.UUID;

/** What a workflow run needs from its run record (a nested workflow: from the run it is part of). */
public record WorkflowRun(UUID runId, UUID tenantId, UUID threadId, Map<String, String> inputs,
        Map<String, String> variables) {
}
