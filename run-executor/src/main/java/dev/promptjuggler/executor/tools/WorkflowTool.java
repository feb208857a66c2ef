package dev.promptjuggler.executor.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.promptjuggler.contracts.workflow.NodeType;
import dev.promptjuggler.contracts.workflow.WorkflowDefinition;
import dev.promptjuggler.executor.llm.ToolCall;
import dev.promptjuggler.executor.llm.ToolSpec;
import dev.promptjuggler.executor.service.RunCosts.Spend;
import dev.promptjuggler.executor.workflow.WorkflowRun;
import dev.promptjuggler.executor.workflow.WorkflowRuns;
import io.opentelemetry.context.Context;
import io.smallrye.mutiny.Uni;
import java.util.Map;

/**
 * The SDK's {@code WorkflowCall} tool: a published workflow of the tenant, run inside this run. The model
 * passes the workflow's Input names as arguments; the result is its outputs as a JSON object; what its
 * nodes spent counts towards the run. Its node results are stored under the run (for the trace).
 */
final class WorkflowTool extends DefinedTool {

    private final WorkflowDefinition target;
    private final ToolContext context;
    private final WorkflowRuns workflows;

    WorkflowTool(ToolSpec spec, boolean failFast, WorkflowDefinition target, ToolContext context, WorkflowRuns workflows,
            ObjectMapper json) {
        super(spec, failFast, json);
        this.target = target;
        this.context = context;
        this.workflows = workflows;
    }

    /** One string parameter per Input node of the workflow, all required. */
    static Map<String, Object> parameters(WorkflowDefinition workflow) {
        return Arguments.stringParameters(workflow.nodes().stream().filter(node -> node.is(NodeType.INPUT))
                .map(WorkflowDefinition.Node::name).toList());
    }

    @Override
    Uni<ToolOutcome> call(ToolCall call, JsonNode arguments, Context trace) {
        var run = context.run();
        var nested = new WorkflowRun(run.runId(), run.tenantId(), run.threadId(), Arguments.asStrings(arguments),
                run.variables(), run.trace());
        return workflows.runNested(nested, target, context.prompts(), "tool:" + spec().name() + ":" + call.id() + "/",
                        run.depth() + 1)
                .map(result -> (result.errors().isEmpty()
                        ? ToolOutcome.ok(json.valueToTree(result.outputs()).toString())
                        : ToolOutcome.failed("workflow '" + spec().name() + "' failed: " + String.join("; ", result.errors())))
                        .withSpent(new Spend(result.tokenUsage(), result.cost())));
    }
}
