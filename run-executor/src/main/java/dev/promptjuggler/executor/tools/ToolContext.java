package dev.promptjuggler.executor.tools;

import dev.promptjuggler.executor.service.PromptExecution;
import java.util.Map;
import java.util.UUID;

/**
 * What a run's tools may use: the run's tenant, inputs and environment variables (placeholders in tool
 * definitions), and how deep in nested prompt calls the run is.
 *
 * @param nested runs a nested prompt (the {@code prompt} tool) with the same tenant and variables
 */
public record ToolContext(UUID tenantId, Map<String, String> inputs, Map<String, String> variables, int depth,
        PromptExecution nested) {
}
