package dev.promptjuggler.executor.tools;

import dev.promptjuggler.executor.service.PromptExecution;
import dev.promptjuggler.executor.service.PromptExecution.PromptInput;
import java.util.Map;
import java.util.UUID;

/**
 * What a run's tools may use: the run (tenant, thread, inputs and environment variables: placeholders in
 * tool definitions), and how deep in nested prompt calls it is.
 *
 * @param nested runs a nested prompt (the {@code prompt} tool) with the same tenant and variables
 */
public record ToolContext(PromptInput run, PromptExecution nested) {

    public UUID tenantId() {
        return run.tenantId();
    }

    public Map<String, String> inputs() {
        return run.inputs();
    }

    public Map<String, String> variables() {
        return run.variables();
    }

    public int depth() {
        return run.depth();
    }
}
