package dev.promptjuggler.executor.workflow;

import dev.promptjuggler.contracts.RunStatus;
import dev.promptjuggler.contracts.workflow.NodeType;
import dev.promptjuggler.executor.llm.TokenUsage;
import dev.promptjuggler.executor.service.RunCosts.RunCost;
import dev.promptjuggler.executor.workflow.WorkflowEngine.Settled;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The SDK's {@code WorkflowRun} results.
 *
 * @param outputs the Output nodes that got a value, by name
 * @param errors  the failed nodes' messages
 */
public record WorkflowResult(RunStatus status, Map<String, String> outputs, List<String> errors, TokenUsage tokenUsage,
        RunCost cost) {

    /** A workflow that could not run at all. */
    public static WorkflowResult failed(String error) {
        return new WorkflowResult(RunStatus.FAILED, Map.of(), List.of(error), null, null);
    }

    /** The run's results from its settled visits: the latest visit of each node counts. */
    static WorkflowResult of(List<Settled> settled) {
        Map<String, String> outputs = new LinkedHashMap<>();
        List<String> errors = new ArrayList<>();
        List<NodeOutcome> spent = new ArrayList<>();
        for (Settled visit : settled) {
            NodeOutcome outcome = visit.outcome();
            if (visit.node().is(NodeType.OUTPUT) && outcome.outputs().containsKey("value")) {
                outputs.put(visit.node().name(), outcome.outputs().get("value"));
            }
            if (outcome.ranAndFailed()) {
                errors.add("node " + (visit.node().name() == null ? visit.node().id() : visit.node().name()) + ": "
                        + outcome.error());
            }
            spent.add(outcome);
        }
        return new WorkflowResult(errors.isEmpty() ? RunStatus.COMPLETED : RunStatus.FAILED, outputs, errors,
                usage(spent), cost(spent));
    }

    /** The tokens the outcomes took together, or null when none made a provider call. */
    static TokenUsage usage(List<NodeOutcome> outcomes) {
        return outcomes.stream().map(NodeOutcome::usage).filter(Objects::nonNull).reduce(TokenUsage::plus).orElse(null);
    }

    /** Null when nothing was spent, or when something spent has no price. */
    static RunCost cost(List<NodeOutcome> outcomes) {
        RunCost total = null;
        for (NodeOutcome outcome : outcomes) {
            if (outcome.usage() == null) {
                continue;
            }
            if (outcome.cost() == null) {
                return null;
            }
            total = total == null ? outcome.cost() : total.plus(outcome.cost());
        }
        return total;
    }
}
