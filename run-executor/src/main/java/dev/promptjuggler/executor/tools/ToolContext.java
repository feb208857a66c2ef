package dev.promptjuggler.executor.tools;

import dev.promptjuggler.executor.service.PromptInput;
import dev.promptjuggler.executor.service.PromptRunner;
import java.util.Map;
import java.util.UUID;

/**
 * What a run's tools may use: the run (tenant, thread, inputs and environment variables: placeholders in
 * tool definitions), how deep in nested runs it is, and what runs its nested prompts.
 *
 * @param prompts runs a nested prompt (the {@code prompt} tool, a nested workflow's Prompt nodes) with the same
 *                tenant and variables
 */
public record ToolContext(PromptInput run, PromptRunner prompts) {

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
