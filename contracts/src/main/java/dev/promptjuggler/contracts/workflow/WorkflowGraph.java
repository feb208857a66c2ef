package dev.promptjuggler.contracts.workflow;

import dev.promptjuggler.contracts.workflow.WorkflowDefinition.Edge;
import dev.promptjuggler.contracts.workflow.WorkflowDefinition.Node;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The rules of a workflow definition, checked by api-gateway when a workflow is published (each a 422
 * naming the node) and by run-executor before it walks one: known node types with their settings, unique
 * ids, edges between existing nodes and handles, Input and Output names that do not clash, and no cycle
 * except through a Loop node's {@code feedback} input. References to other prompts and workflows are
 * listed here; whether they are published is the gateway's to check.
 */
public final class WorkflowGraph {

    /** Loop iterations a definition may ask for. */
    public static final int MAX_LOOP_ITERATIONS = 50;
    /** Items of a Fanout processed at once, at most. */
    public static final int MAX_FANOUT_CONCURRENCY = 16;

    public static final Set<String> STRING_OPERATIONS = Set.of("template", "split", "join", "replace", "upper", "lower", "trim");
    public static final Set<String> ARRAY_OPERATIONS = Set.of("index", "slice", "length", "map");
    public static final Set<String> CONDITION_OPERATORS = Set.of("equals", "not_equals", "contains", "matches", "empty",
            "not_empty", "greater_than", "less_than");

    private final WorkflowDefinition definition;
    private final Map<String, Node> nodes = new LinkedHashMap<>();
    private final Map<String, List<Edge>> incoming = new HashMap<>();
    private final Map<String, List<Edge>> outgoing = new HashMap<>();

    private WorkflowGraph(WorkflowDefinition definition) {
        this.definition = definition;
        definition.nodes().forEach(node -> nodes.put(node.id(), node));
        for (Edge edge : definition.edges()) {
            incoming.computeIfAbsent(edge.to(), id -> new ArrayList<>()).add(edge);
            outgoing.computeIfAbsent(edge.from(), id -> new ArrayList<>()).add(edge);
        }
    }

    /** @throws IllegalArgumentException with {@link #problem}'s message when the definition breaks a rule */
    public static WorkflowGraph of(WorkflowDefinition definition) {
        problem(definition).ifPresent(problem -> {
            throw new IllegalArgumentException(problem);
        });
        return new WorkflowGraph(definition);
    }

    public WorkflowDefinition definition() {
        return definition;
    }

    public List<Node> nodes() {
        return List.copyOf(nodes.values());
    }

    public Node node(String id) {
        return nodes.get(id);
    }

    public NodeType type(Node node) {
        return NodeType.fromWireName(node.type()).orElseThrow();
    }

    public List<Edge> incoming(String nodeId) {
        return incoming.getOrDefault(nodeId, List.of());
    }

    public List<Edge> outgoing(String nodeId) {
        return outgoing.getOrDefault(nodeId, List.of());
    }

    /** Nodes of this type, in definition order. */
    public List<Node> nodesOf(NodeType type) {
        return nodes.values().stream().filter(node -> type.wireName().equals(node.type())).toList();
    }

    /**
     * The body of a Loop node: every node reachable from its {@code body} output without passing through the
     * loop node itself. These nodes run again on every iteration.
     */
    public Set<String> loopBody(String loopId) {
        Set<String> body = new HashSet<>();
        Deque<String> next = new ArrayDeque<>();
        outgoing(loopId).stream().filter(edge -> edge.fromHandle().equals("body")).forEach(edge -> next.add(edge.to()));
        while (!next.isEmpty()) {
            String id = next.poll();
            if (id.equals(loopId) || !body.add(id)) {
                continue;
            }
            outgoing(id).forEach(edge -> next.add(edge.to()));
        }
        return body;
    }

    /** A prompt or workflow a node runs: the gateway checks that it is published. */
    public record Reference(String nodeId, String kind, String definition, String version) {
    }

    public static List<Reference> references(WorkflowDefinition definition) {
        List<Reference> references = new ArrayList<>();
        for (Node node : definition.nodes()) {
            Map<String, Object> settings = node.settings();
            if (node.is(NodeType.PROMPT) || node.is(NodeType.FANOUT) && settings.get("prompt") != null) {
                references.add(new Reference(node.id(), "prompt", text(settings.get("prompt")), text(settings.get("version"))));
            } else if (node.is(NodeType.WORKFLOW) || node.is(NodeType.FANOUT)) {
                references.add(new Reference(node.id(), "workflow", text(settings.get("workflow")), text(settings.get("version"))));
            }
        }
        return references;
    }

    /** @return the first broken rule, naming the node, or empty when the definition is well-formed */
    public static Optional<String> problem(WorkflowDefinition definition) {
        Map<String, Node> byId = new HashMap<>();
        Set<String> inputNames = new HashSet<>();
        Set<String> outputNames = new HashSet<>();
        for (Node node : definition.nodes()) {
            if (node.id() == null || node.id().isBlank()) {
                return Optional.of("every node needs an id");
            }
            if (byId.put(node.id(), node) != null) {
                return Optional.of("node " + node.id() + ": the id is used twice");
            }
            Optional<NodeType> type = NodeType.fromWireName(node.type());
            if (type.isEmpty()) {
                return Optional.of("node " + node.id() + ": unknown type " + node.type());
            }
            if (type.get() == NodeType.INPUT || type.get() == NodeType.OUTPUT) {
                if (node.name() == null || node.name().isBlank()) {
                    return Optional.of("node " + node.id() + ": an " + node.type() + " node needs a name");
                }
                if (!(type.get() == NodeType.INPUT ? inputNames : outputNames).add(node.name())) {
                    return Optional.of("node " + node.id() + ": another " + node.type() + " node is named " + node.name());
                }
            }
            String settings = settingsProblem(type.get(), node.settings());
            if (settings != null) {
                return Optional.of("node " + node.id() + ": " + settings);
            }
        }
        for (Edge edge : definition.edges()) {
            Node from = byId.get(edge.from());
            Node to = byId.get(edge.to());
            if (from == null || to == null) {
                String missing = from == null ? edge.from() : edge.to();
                return Optional.of("node " + (from == null ? edge.to() : edge.from()) + ": an edge points to " + missing
                        + ", which is not a node of this workflow");
            }
            NodeType fromType = NodeType.fromWireName(from.type()).orElseThrow();
            NodeType toType = NodeType.fromWireName(to.type()).orElseThrow();
            Set<String> outputs = fromType == NodeType.SWITCH ? switchOutputs(from) : fromType.outputs().orElse(null);
            if (outputs != null && !outputs.contains(edge.fromHandle())) {
                return Optional.of("node " + from.id() + ": a " + from.type() + " node has no output " + edge.fromHandle());
            }
            if (toType.inputs().isPresent() && !toType.inputs().get().contains(edge.toHandle())) {
                return Optional.of("node " + to.id() + ": a " + to.type() + " node has no input " + edge.toHandle());
            }
        }
        String cycle = cycleThroughNonLoop(definition, byId);
        return Optional.ofNullable(cycle);
    }

    private static Set<String> switchOutputs(Node node) {
        Set<String> outputs = new HashSet<>(Set.of("default"));
        if (node.settings().get("cases") instanceof List<?> cases) {
            cases.forEach(item -> {
                if (item instanceof Map<?, ?> kase && kase.get("name") != null) {
                    outputs.add(String.valueOf(kase.get("name")));
                }
            });
        }
        return outputs;
    }

    /** Edges into a Loop's {@code feedback} are the only way back; without them the graph must be acyclic. */
    private static String cycleThroughNonLoop(WorkflowDefinition definition, Map<String, Node> byId) {
        Map<String, List<String>> next = new HashMap<>();
        Map<String, Integer> indegree = new HashMap<>();
        byId.keySet().forEach(id -> indegree.put(id, 0));
        for (Edge edge : definition.edges()) {
            if (byId.get(edge.to()).is(NodeType.LOOP) && edge.toHandle().equals("feedback")) {
                continue;
            }
            next.computeIfAbsent(edge.from(), id -> new ArrayList<>()).add(edge.to());
            indegree.merge(edge.to(), 1, Integer::sum);
        }
        Deque<String> ready = new ArrayDeque<>();
        indegree.forEach((id, degree) -> {
            if (degree == 0) {
                ready.add(id);
            }
        });
        int seen = 0;
        while (!ready.isEmpty()) {
            String id = ready.poll();
            seen++;
            for (String to : next.getOrDefault(id, List.of())) {
                if (indegree.merge(to, -1, Integer::sum) == 0) {
                    ready.add(to);
                }
            }
        }
        if (seen == byId.size()) {
            return null;
        }
        String inCycle = definition.nodes().stream().map(Node::id).filter(id -> indegree.get(id) > 0).findFirst().orElseThrow();
        return "node " + inCycle + ": it is part of a cycle that does not go back through a loop node's feedback input";
    }

    private static String settingsProblem(NodeType type, Map<String, Object> settings) {
        return switch (type) {
            case VALUE -> settings.get("value") == null ? "settings.value is required" : null;
            case PROMPT -> reference(settings, "prompt");
            case WORKFLOW -> reference(settings, "workflow");
            case KB_SEARCH -> blank(settings.get("knowledgeBase")) ? "settings.knowledgeBase is required" : null;
            case STRING -> STRING_OPERATIONS.contains(text(settings.get("operation"))) ? null
                    : "settings.operation must be one of " + new java.util.TreeSet<>(STRING_OPERATIONS);
            case ARRAY -> ARRAY_OPERATIONS.contains(text(settings.get("operation"))) ? null
                    : "settings.operation must be one of " + new java.util.TreeSet<>(ARRAY_OPERATIONS);
            case JSON_QUERY -> blank(settings.get("expression")) ? "settings.expression (JSONPath) is required" : null;
            case IF -> condition(settings, "settings");
            case SWITCH -> switchProblem(settings);
            case FANOUT -> {
                String concurrency = range(settings.get("concurrency"), 1, MAX_FANOUT_CONCURRENCY, "settings.concurrency", true);
                yield concurrency != null ? concurrency
                        : settings.get("prompt") != null ? reference(settings, "prompt") : reference(settings, "workflow");
            }
            case LOOP -> {
                String iterations = range(settings.get("maxIterations"), 1, MAX_LOOP_ITERATIONS, "settings.maxIterations", false);
                yield iterations != null ? iterations
                        : settings.get("until") instanceof Map<?, ?> until ? condition(castMap(until), "settings.until") : null;
            }
            default -> null;
        };
    }

    private static String switchProblem(Map<String, Object> settings) {
        if (!(settings.get("cases") instanceof List<?> cases) || cases.isEmpty()) {
            return "settings.cases (a list of {name, operator, value}) is required";
        }
        for (Object item : cases) {
            if (!(item instanceof Map<?, ?> kase) || blank(kase.get("name"))) {
                return "every case needs a name";
            }
            if ("default".equals(kase.get("name"))) {
                return "a case may not be named default (it is the output taken when no case matches)";
            }
            String problem = condition(castMap(kase), "case " + kase.get("name"));
            if (problem != null) {
                return problem;
            }
        }
        return null;
    }

    private static String condition(Map<String, Object> condition, String where) {
        return CONDITION_OPERATORS.contains(text(condition.get("operator"))) ? null
                : where + ".operator must be one of " + new java.util.TreeSet<>(CONDITION_OPERATORS);
    }

    private static String reference(Map<String, Object> settings, String kind) {
        if (blank(settings.get(kind))) {
            return "settings." + kind + " (the " + kind + "'s slug or id) is required";
        }
        return blank(settings.get("version")) ? "settings.version (a version number or a tag) is required" : null;
    }

    private static String range(Object value, int min, int max, String what, boolean optional) {
        if (value == null && optional) {
            return null;
        }
        if (!(value instanceof Number number) || number.intValue() < min || number.intValue() > max) {
            return what + " must be a whole number from " + min + " to " + max;
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Map<?, ?> map) {
        return (Map<String, Object>) map;
    }

    private static boolean blank(Object value) {
        return value == null || String.valueOf(value).isBlank();
    }

    private static String text(Object value) {
        return value == null ? null : value instanceof Number number && number.doubleValue() == number.longValue()
                ? String.valueOf(number.longValue()) : String.valueOf(value);
    }
}
