package dev.promptjuggler.contracts.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.promptjuggler.contracts.workflow.WorkflowDefinition.Edge;
import dev.promptjuggler.contracts.workflow.WorkflowDefinition.Node;
import dev.promptjuggler.contracts.workflow.WorkflowGraph.Reference;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The rules api-gateway applies when a workflow is published and run-executor before it walks one. */
class WorkflowGraphTest {

    private static final Map<String, Object> PROMPT = Map.of("prompt", "summarise", "version", "1");

    private static Node node(String id, String type, Map<String, Object> settings) {
        return new Node(id, type, null, settings);
    }

    private static Node input(String id, String name) {
        return new Node(id, "input", name, null);
    }

    private static Node output(String id, String name) {
        return new Node(id, "output", name, null);
    }

    private static Edge edge(String from, String to) {
        return new Edge(from, null, to, null);
    }

    private static Optional<String> problem(List<Node> nodes, List<Edge> edges) {
        return WorkflowGraph.problem(new WorkflowDefinition(nodes, edges));
    }

    private static Optional<String> problemOf(Node node) {
        return problem(List.of(node), List.of());
    }

    @Test
    void aWellFormedGraphHasNoProblemAndKnowsItsEdges() {
        WorkflowDefinition definition = new WorkflowDefinition(
                List.of(input("in", "text"), node("p", "prompt", PROMPT), output("out", "summary")),
                List.of(new Edge("in", null, "p", "text"), edge("p", "out")));

        WorkflowGraph graph = WorkflowGraph.of(definition);

        assertEquals(List.of("in", "p", "out"), graph.nodes().stream().map(Node::id).toList());
        assertEquals(NodeType.PROMPT, graph.type(graph.node("p")));
        assertEquals(List.of(new Edge("in", "out", "p", "text")), graph.incoming("p"));
        assertEquals(List.of(new Edge("p", "out", "out", "in")), graph.outgoing("p"));
        assertEquals(List.of(), graph.incoming("in"));
        assertEquals(List.of(graph.node("in")), graph.nodesOf(NodeType.INPUT));
    }

    @Test
    void anEmptyDefinitionIsWellFormed() {
        assertEquals(Optional.empty(), problem(null, null));
    }

    @Test
    void ofRefusesABrokenDefinitionWithTheProblemAsMessage() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> WorkflowGraph.of(new WorkflowDefinition(List.of(node("a", "teleport", null)), List.of())));

        assertEquals("node a: unknown type teleport", refused.getMessage());
    }

    @Test
    void nodesNeedUniqueIdsAndAKnownType() {
        assertEquals(Optional.of("every node needs an id"), problemOf(node(" ", "value", Map.of("value", "x"))));
        assertEquals(Optional.of("every node needs an id"), problemOf(node(null, "value", Map.of("value", "x"))));
        assertEquals(Optional.of("node a: the id is used twice"),
                problem(List.of(node("a", "value", Map.of("value", "x")), node("a", "value", Map.of("value", "y"))), List.of()));
        assertEquals(Optional.of("node a: unknown type null"), problemOf(node("a", null, null)));
    }

    @Test
    void inputAndOutputNodesNeedNamesThatDoNotClash() {
        assertEquals(Optional.of("node i: an input node needs a name"), problemOf(input("i", "")));
        assertEquals(Optional.of("node o: an output node needs a name"), problemOf(output("o", null)));
        assertEquals(Optional.of("node i2: another input node is named text"),
                problem(List.of(input("i1", "text"), input("i2", "text")), List.of()));
        assertEquals(Optional.of("node o2: another output node is named result"),
                problem(List.of(output("o1", "result"), output("o2", "result")), List.of()));
        // An input and an output may share a name: they live in different maps of the run.
        assertEquals(Optional.empty(), problem(List.of(input("i", "text"), output("o", "text")), List.of()));
    }

    @Test
    void eachTypeChecksItsSettings() {
        assertEquals(Optional.of("node v: settings.value is required"), problemOf(node("v", "value", null)));
        assertEquals(Optional.of("node p: settings.prompt (the prompt's slug or id) is required"),
                problemOf(node("p", "prompt", Map.of("version", "1"))));
        assertEquals(Optional.of("node p: settings.version (a version number or a tag) is required"),
                problemOf(node("p", "prompt", Map.of("prompt", "summarise"))));
        assertEquals(Optional.of("node w: settings.workflow (the workflow's slug or id) is required"),
                problemOf(node("w", "workflow", Map.of("version", "latest"))));
        assertEquals(Optional.of("node k: settings.knowledgeBase is required"), problemOf(node("k", "kb_search", null)));
        assertEquals(Optional.of("node s: settings.operation must be one of [join, lower, replace, split, template, trim, upper]"),
                problemOf(node("s", "string", Map.of("operation", "reverse"))));
        assertEquals(Optional.of("node a: settings.operation must be one of [index, length, map, slice]"),
                problemOf(node("a", "array", Map.of("operation", "upper"))));
        assertEquals(Optional.of("node j: settings.expression (JSONPath) is required"),
                problemOf(node("j", "json_query", Map.of("expression", " "))));
        assertEquals(Optional.of("node c: settings.operator must be one of [contains, empty, equals, greater_than, less_than,"
                + " matches, not_empty, not_equals]"), problemOf(node("c", "if", Map.of("operator", "like"))));

        assertEquals(Optional.empty(), problemOf(node("p", "prompt", Map.of("prompt", "summarise", "version", 2))));
        assertEquals(Optional.empty(), problemOf(node("s", "string", Map.of("operation", "upper"))));
        assertEquals(Optional.empty(), problemOf(node("c", "if", Map.of("operator", "not_empty"))));
        assertEquals(Optional.empty(), problemOf(node("x", "script", null)), "script nodes are refused when they run");
    }

    @Test
    void switchCasesAreNamedConditionsOtherThanDefault() {
        assertEquals(Optional.of("node s: settings.cases (a list of {name, operator, value}) is required"),
                problemOf(node("s", "switch", Map.of("cases", List.of()))));
        assertEquals(Optional.of("node s: every case needs a name"),
                problemOf(node("s", "switch", Map.of("cases", List.of(Map.of("operator", "equals"))))));
        assertEquals(Optional.of("node s: a case may not be named default (it is the output taken when no case matches)"),
                problemOf(node("s", "switch", Map.of("cases", List.of(Map.of("name", "default", "operator", "empty"))))));
        assertEquals(Optional.of("node s: case big.operator must be one of [contains, empty, equals, greater_than, less_than,"
                        + " matches, not_empty, not_equals]"),
                problemOf(node("s", "switch", Map.of("cases", List.of(Map.of("name", "big", "operator", ">"))))));
    }

    @Test
    void fanoutConcurrencyIsOptionalAndBounded() {
        Map<String, Object> prompt = Map.of("prompt", "summarise", "version", "1");

        assertEquals(Optional.empty(), problemOf(node("f", "fanout", prompt)));
        assertEquals(Optional.empty(), problemOf(node("f", "fanout", with(prompt, "concurrency", 1))));
        assertEquals(Optional.empty(), problemOf(node("f", "fanout",
                with(prompt, "concurrency", WorkflowGraph.MAX_FANOUT_CONCURRENCY))));
        for (Object concurrency : List.of(0, WorkflowGraph.MAX_FANOUT_CONCURRENCY + 1, "4")) {
            assertEquals(Optional.of("node f: settings.concurrency must be a whole number from 1 to 16"),
                    problemOf(node("f", "fanout", with(prompt, "concurrency", concurrency))), "concurrency " + concurrency);
        }
        assertEquals(Optional.of("node f: settings.workflow (the workflow's slug or id) is required"),
                problemOf(node("f", "fanout", Map.of("version", "1"))), "a fanout runs a prompt or a workflow");
        assertEquals(Optional.empty(), problemOf(node("f", "fanout", Map.of("workflow", "each", "version", "1"))));
    }

    @Test
    void loopIterationsAreRequiredAndBounded() {
        assertEquals(Optional.of("node l: settings.maxIterations must be a whole number from 1 to 50"),
                problemOf(node("l", "loop", null)));
        assertEquals(Optional.of("node l: settings.maxIterations must be a whole number from 1 to 50"),
                problemOf(node("l", "loop", Map.of("maxIterations", 0))));
        assertEquals(Optional.of("node l: settings.maxIterations must be a whole number from 1 to 50"),
                problemOf(node("l", "loop", Map.of("maxIterations", WorkflowGraph.MAX_LOOP_ITERATIONS + 1))));
        assertEquals(Optional.empty(), problemOf(node("l", "loop", Map.of("maxIterations", 1))));
        assertEquals(Optional.empty(), problemOf(node("l", "loop", Map.of("maxIterations", WorkflowGraph.MAX_LOOP_ITERATIONS))));
        assertEquals(Optional.of("node l: settings.until.operator must be one of [contains, empty, equals, greater_than,"
                        + " less_than, matches, not_empty, not_equals]"),
                problemOf(node("l", "loop", Map.of("maxIterations", 3, "until", Map.of("operator", "stop")))));
        assertEquals(Optional.empty(),
                problemOf(node("l", "loop", Map.of("maxIterations", 3, "until", Map.of("operator", "contains", "value", "ok")))));
    }

    @Test
    void edgesJoinExistingNodesThroughTheirHandles() {
        Node value = node("v", "value", Map.of("value", "x"));

        assertEquals(Optional.of("node v: an edge points to ghost, which is not a node of this workflow"),
                problem(List.of(value), List.of(edge("v", "ghost"))));
        assertEquals(Optional.of("node v: an edge points to ghost, which is not a node of this workflow"),
                problem(List.of(value), List.of(edge("ghost", "v"))));
        assertEquals(Optional.of("node v: a value node has no output result"),
                problem(List.of(value, output("o", "r")), List.of(new Edge("v", "result", "o", "in"))));
        assertEquals(Optional.of("node o: a output node has no input value"),
                problem(List.of(value, output("o", "r")), List.of(new Edge("v", "out", "o", "value"))));
        // A prompt's inputs are its placeholders, known only when it runs; a nested workflow's outputs likewise.
        assertEquals(Optional.empty(), problem(List.of(value, node("p", "prompt", PROMPT)), List.of(new Edge("v", null, "p", "topic"))));
        assertEquals(Optional.empty(), problem(List.of(node("w", "workflow", Map.of("workflow", "nested", "version", "1")),
                output("o", "r")), List.of(new Edge("w", "summary", "o", null))));
    }

    @Test
    void ifAndSwitchOutputsAreTheirBranches() {
        Node decide = node("if", "if", Map.of("operator", "empty"));
        Node route = node("sw", "switch", Map.of("cases", List.of(Map.of("name", "short", "operator", "empty"))));
        List<Node> nodes = List.of(input("i", "text"), decide, route, output("o", "r"));

        assertEquals(Optional.empty(), problem(nodes, List.of(edge("i", "if"), new Edge("if", "true", "o", null))));
        assertEquals(Optional.of("node if: a if node has no output out"), problem(nodes, List.of(edge("i", "if"), edge("if", "o"))));
        assertEquals(Optional.empty(), problem(nodes, List.of(edge("i", "sw"), new Edge("sw", "short", "o", null))));
        assertEquals(Optional.empty(), problem(nodes, List.of(edge("i", "sw"), new Edge("sw", "default", "o", null))));
        assertEquals(Optional.of("node sw: a switch node has no output long"),
                problem(nodes, List.of(edge("i", "sw"), new Edge("sw", "long", "o", null))));
    }

    @Test
    void aCycleIsAllowedOnlyBackThroughALoopsFeedback() {
        Node a = node("a", "string", Map.of("operation", "upper"));
        Node b = node("b", "string", Map.of("operation", "lower"));
        Node loop = node("loop", "loop", Map.of("maxIterations", 3));

        assertEquals(Optional.of("node a: it is part of a cycle that does not go back through a loop node's feedback input"),
                problem(List.of(input("i", "text"), a, b), List.of(edge("i", "a"), edge("a", "b"), edge("b", "a"))));
        assertEquals(Optional.of("node a: it is part of a cycle that does not go back through a loop node's feedback input"),
                problem(List.of(a), List.of(edge("a", "a"))), "a node feeding itself");
        assertEquals(Optional.empty(), problem(List.of(input("i", "text"), loop, a),
                List.of(edge("i", "loop"), new Edge("loop", "body", "a", null), new Edge("a", null, "loop", "feedback"))));
        assertEquals(Optional.of("node loop: it is part of a cycle that does not go back through a loop node's feedback input"),
                problem(List.of(input("i", "text"), loop, a),
                        List.of(edge("i", "loop"), new Edge("loop", "body", "a", null), new Edge("a", null, "loop", "in"))));
    }

    @Test
    void aLoopsBodyIsWhatItsBodyOutputReachesShortOfTheLoop() {
        WorkflowGraph graph = WorkflowGraph.of(new WorkflowDefinition(
                List.of(input("i", "text"), node("loop", "loop", Map.of("maxIterations", 3)),
                        node("a", "string", Map.of("operation", "upper")), node("b", "string", Map.of("operation", "trim")),
                        output("o", "r")),
                List.of(edge("i", "loop"), new Edge("loop", "body", "a", null), edge("a", "b"),
                        new Edge("b", null, "loop", "feedback"), new Edge("loop", "done", "o", null))));

        assertEquals(Set.of("a", "b"), graph.loopBody("loop"));
    }

    @Test
    void referencesListThePromptsAndWorkflowsNodesRun() {
        WorkflowDefinition definition = new WorkflowDefinition(List.of(
                node("p", "prompt", Map.of("prompt", "summarise", "version", 3)),
                node("w", "workflow", Map.of("workflow", "nested", "version", "latest")),
                node("fp", "fanout", Map.of("prompt", "each", "version", "2")),
                node("fw", "fanout", Map.of("workflow", "per-item", "version", "1")),
                node("v", "value", Map.of("value", "x"))), List.of());

        assertEquals(List.of(new Reference("p", "prompt", "summarise", "3"), new Reference("w", "workflow", "nested", "latest"),
                new Reference("fp", "prompt", "each", "2"), new Reference("fw", "workflow", "per-item", "1")),
                WorkflowGraph.references(definition));
    }

    private static Map<String, Object> with(Map<String, Object> settings, String key, Object value) {
        Map<String, Object> copy = new java.util.HashMap<>(settings);
        copy.put(key, value);
        return copy;
    }
}
