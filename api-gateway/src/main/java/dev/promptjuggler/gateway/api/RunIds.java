package dev.promptjuggler.gateway.api;

import dev.promptjuggler.gateway.service.RunService.AcceptedRun;
import dev.promptjuggler.gateway.service.RunService.RunRequest;
import java.util.UUID;

/** The SDK's {@code CreatePromptRunResponse} / {@code CreateWorkflowRunResponse}. */
public record RunIds(UUID id, UUID thread) {

    static RunIds of(AcceptedRun accepted) {
        return new RunIds(accepted.id(), accepted.thread());
    }

    static RunRequest request(CreateRunBody body) {
        if (body == null) {
            throw ApiException.invalid("a JSON body with inputs is required");
        }
        return body.toRunRequest();
    }
}
