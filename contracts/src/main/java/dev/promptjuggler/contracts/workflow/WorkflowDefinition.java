package dev.promptjuggler.contracts.workflow;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * A workflow's node graph, as api-gateway stores a draft or published revision and run-executor walks
 * it. Every value that travels along an edge is a string. The format is documented in docs/api.md
 * ("Workflow definitions"); {@link WorkflowGraph} holds its rules.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record WorkflowDefinition(List<Node> nodes, List<Edge> edges) {

    public WorkflowDefinition {
        nodes = nodes == null ? List.of() : List.copyOf(nodes);
        edges = edges == null ? List.of() : List.copyOf(edges);
    }

    /**
     * @param type     one of {@link NodeType}'s wire names
     * @param name     what the editor shows; for Input and Output nodes the key in the run's inputs and outputs
     * @param settings the type's settings (docs/api.md)
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Node(String id, String type, String name, Map<String, Object> settings) {
        public Node {
            settings = settings == null ? Map.of() : settings;
        }

        /** Whether the node is of this type (false for an unknown type). */
        public boolean is(NodeType nodeType) {
            return nodeType.wireName().equals(type);
        }
    }

    /**
     * A value flowing from an output handle of one node to an input handle of another.
     *
     * @param fromHandle {@code out} when omitted; If: {@code true}/{@code false}; Switch: a case or
     *                   {@code default}; Loop: {@code body}/{@code done}; Workflow: a nested Output's name
     * @param toHandle   {@code in} when omitted; Prompt: a placeholder of the prompt; String template: a
     *                   placeholder; Workflow: a nested Input's name; KB Search: {@code query}; Loop:
     *                   {@code in} or {@code feedback}
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Edge(String from, String fromHandle, String to, String toHandle) {
        public Edge {
            fromHandle = fromHandle == null || fromHandle.isBlank() ? "out" : fromHandle;
            toHandle = toHandle == null || toHandle.isBlank() ? "in" : toHandle;
        }
    }
}
