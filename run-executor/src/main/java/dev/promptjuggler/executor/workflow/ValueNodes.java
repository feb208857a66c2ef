package dev.promptjuggler.executor.workflow;

import dev.promptjuggler.contracts.workflow.NodeType;
import dev.promptjuggler.contracts.workflow.WorkflowDefinition.Node;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.PatternSyntaxException;

/**
 * The nodes whose result follows from their settings and inputs alone (Input, Output, Value, String, Array, JSON
 * Query, If, Switch): no provider, no database, no nested run. A rule the input breaks (e.g. a JSON Query over text
 * that is not JSON) fails the node, not the run.
 */
final class ValueNodes {

    private ValueNodes() {
    }

    /**
     * @param inputs      the node's inputs by handle
     * @param graphInputs the run's (or nested workflow's) inputs by Input name
     */
    static NodeOutcome run(NodeType type, Node node, Map<String, String> inputs, Map<String, String> graphInputs) {
        String in = inputs.getOrDefault("in", "");
        Map<String, Object> settings = node.settings();
        return switch (type) {
            case INPUT -> graphInputs.containsKey(node.name())
                    ? NodeOutcome.completed(Map.of("out", graphInputs.get(node.name())))
                    : NodeOutcome.failed("input " + node.name() + " was not given");
            case OUTPUT -> NodeOutcome.completed(Map.of("value", in));
            case VALUE -> NodeOutcome.completed(Map.of("out", String.valueOf(settings.get("value"))));
            case STRING -> computed(() -> Map.of("out", NodeFunctions.string(settings, inputs)));
            case ARRAY -> computed(() -> Map.of("out", NodeFunctions.array(settings, in)));
            case JSON_QUERY -> computed(() -> Map.of("out", NodeFunctions.jsonQuery(settings, in)));
            case IF -> computed(() -> Map.of(NodeFunctions.holds(settings, in) ? "true" : "false", in));
            case SWITCH -> computed(() -> Map.of(switchCase(settings, in), in));
            default -> throw new IllegalArgumentException(type + " nodes are not value nodes");
        };
    }

    private static NodeOutcome computed(Supplier<Map<String, String>> function) {
        try {
            return NodeOutcome.completed(function.get());
        } catch (NodeFunctions.NodeFailure | PatternSyntaxException e) {
            return NodeOutcome.failed(e.getMessage());
        }
    }

    private static String switchCase(Map<String, Object> settings, String in) {
        for (Object item : (List<?>) settings.get("cases")) {
            Map<?, ?> kase = (Map<?, ?>) item;
            if (NodeFunctions.holds(kase, in)) {
                return String.valueOf(kase.get("name"));
            }
        }
        return "default";
    }
}
