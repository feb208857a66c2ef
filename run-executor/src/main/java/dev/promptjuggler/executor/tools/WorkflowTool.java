package dev.promptjuggler.executor.tools;

import dev.promptjuggler.executor.llm.ToolCall;
import dev.promptjuggler.executor.llm.ToolSpec;
import io.smallrye.mutiny.Uni;

/**
 * The SDK's {@code WorkflowCall} tool. This deployment does not run workflows yet (issue 7), so every call
 * fails with that reason: the model is told, and {@code failFast} ends the run.
 */
final class WorkflowTool implements FunctionTool {

    private final ToolSpec spec;
    private final boolean failFast;

    WorkflowTool(ToolSpec spec, boolean failFast) {
        this.spec = spec;
        this.failFast = failFast;
    }

    @Override
    public ToolSpec spec() {
        return spec;
    }

    @Override
    public boolean failFast() {
        return failFast;
    }

    @Override
    public Uni<ToolOutcome> call(ToolCall call) {
        return Uni.createFrom().item(ToolOutcome.failed(
                "workflow '" + spec.name() + "': workflow runs are not supported by this deployment yet"));
    }
}
