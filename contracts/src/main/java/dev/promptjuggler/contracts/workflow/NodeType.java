package dev.promptjuggler.contracts.workflow;

import java.util.Arrays;
import java.util.Optional;
import java.util.Set;

/**
 * The node types of a workflow. {@code inputs}/{@code outputs} are the handle names an edge may use; null
 * means the names depend on the node (a prompt's placeholders, a nested workflow's Input and Output names,
 * a Switch's cases) and are checked when the node runs.
 */
public enum NodeType {
    INPUT("input", Set.of(), Set.of("out")),
    OUTPUT("output", Set.of("in"), Set.of()),
    VALUE("value", Set.of(), Set.of("out")),
    PROMPT("prompt", null, Set.of("out")),
    WORKFLOW("workflow", null, null),
    KB_SEARCH("kb_search", Set.of("query"), Set.of("out")),
    STRING("string", null, Set.of("out")),
    ARRAY("array", Set.of("in"), Set.of("out")),
    JSON_QUERY("json_query", Set.of("in"), Set.of("out")),
    IF("if", Set.of("in"), Set.of("true", "false")),
    SWITCH("switch", Set.of("in"), null),
    FANOUT("fanout", Set.of("in"), Set.of("out")),
    LOOP("loop", Set.of("in", "feedback"), Set.of("body", "done")),
    SCRIPT("script", null, null);

    private final String wireName;
    private final Set<String> inputs;
    private final Set<String> outputs;

    NodeType(String wireName, Set<String> inputs, Set<String> outputs) {
        this.wireName = wireName;
        this.inputs = inputs;
        this.outputs = outputs;
    }

    public String wireName() {
        return wireName;
    }

    public Optional<Set<String>> inputs() {
        return Optional.ofNullable(inputs);
    }

    public Optional<Set<String>> outputs() {
        return Optional.ofNullable(outputs);
    }

    public static Optional<NodeType> fromWireName(String name) {
        return Arrays.stream(values()).filter(type -> type.wireName.equals(name)).findFirst();
    }
}
