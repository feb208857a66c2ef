package dev.promptjuggler.executor.workflow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.promptjuggler.contracts.workflow.WorkflowDefinition;
import dev.promptjuggler.contracts.workflow.WorkflowDefinition.Edge;
import dev.promptjuggler.contracts.workflow.WorkflowDefinition.Node;
import dev.promptjuggler.contracts.workflow.WorkflowGraph;
import dev.promptjuggler.executor.workflow.WorkflowEngine.Settled;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * How a graph is walked, with every node's work replaced by a function of its inputs: which nodes run, how often,
 * with which inputs, what is skipped, and how many run at once.
 */
class WorkflowEngineTest {

    /** What each node does in a test, by node id; without one, a Value node outputs its value, others their inputs joined. */
    private final Map<String, Function<Map<String, String>, NodeOutcome>> behaviour = new HashMap<>();
    /** Every call the engine made: node id, visit and inputs. */
    private final List<String> calls = new ArrayList<>();

    private final WorkflowEngine.Step step = (node, visit, inputs) -> {
        calls.add(node.id() + "#" + visit + " " + inputs);
        Function<Map<String, String>, NodeOutcome> work = behaviour.getOrDefault(node.id(), given -> NodeOutcome.completed(
                Map.of("out", "value".equals(node.type()) ? (String) node.settings().get("value") : String.join("+", given.values()))));
        return Uni.createFrom().item(work.apply(inputs));
    };

    private static Node node(String id, String type, Map<String, Object> settings) {
        return new Node(id, type, null, settings);
    }

    private static Node value(String id, String value) {
        return node(id, "value", Map.of("value", value));
    }

    private static Node upper(String id) {
        return node(id, "string", Map.of("operation", "upper"));
    }

    private static Edge edge(String from, String to) {
        return new Edge(from, null, to, null);
    }

    private List<Settled> walk(List<Node> nodes, List<Edge> edges, int maxParallel) {
        WorkflowGraph graph = WorkflowGraph.of(new WorkflowDefinition(nodes, edges));
        return new WorkflowEngine(graph, step, maxParallel).run().await().atMost(Duration.ofSeconds(5));
    }

    /** node id → status, or status:outputs for completed nodes, one entry per visit in settling order. */
    private static List<String> trace(List<Settled> settled) {
        return settled.stream().map(visit -> visit.node().id() + "#" + visit.visit() + " " + visit.outcome().status()
                + (visit.outcome().outputs().isEmpty() ? "" : " " + new java.util.TreeMap<>(visit.outcome().outputs()))).toList();
    }

    @Test
    void aChainRunsInOrderEachNodeWithItsPredecessorsValue() {
        List<Settled> settled = walk(List.of(value("v", "hello"), upper("u"), new Node("o", "output", "r", null)),
                List.of(edge("v", "u"), edge("u", "o")), 4);

        assertEquals(List.of("v#1 {}", "u#1 {in=hello}", "o#1 {in=hello}"), calls);
        assertEquals(List.of("v#1 completed {out=hello}", "u#1 completed {out=hello}", "o#1 completed {out=hello}"),
                trace(settled));
    }

    @Test
    void valuesArrivingAtOneInputAreMergedIntoAJsonArrayInEdgeOrder() {
        walk(List.of(value("a", "first"), value("b", "second"), upper("u")), List.of(edge("b", "u"), edge("a", "u")), 4);

        assertEquals("u#1 {in=[\"second\",\"first\"]}", calls.get(2));
    }

    @Test
    void aNodeWaitsForEverythingFeedingItAndGetsEachHandle() {
        Node prompt = node("p", "prompt", Map.of("prompt", "compare", "version", "1"));
        walk(List.of(value("a", "x"), upper("slow"), value("c", "z"), prompt),
                List.of(edge("a", "slow"), new Edge("slow", null, "p", "left"), new Edge("c", null, "p", "right")), 4);

        assertEquals("p#1 {left=x, right=z}", calls.get(calls.size() - 1));
        assertEquals(1, calls.stream().filter(call -> call.startsWith("p#")).count(), "the prompt ran once, with both inputs");
    }

    @Test
    void whatOnlyAnInactiveBranchFeedsIsSkippedWithoutRunning() {
        behaviour.put("if", inputs -> NodeOutcome.completed(Map.of("false", inputs.get("in"))));
        List<Settled> settled = walk(
                List.of(value("v", "text"), node("if", "if", Map.of("operator", "empty")), upper("yes"), upper("after-yes"),
                        upper("no"), upper("join")),
                List.of(edge("v", "if"), new Edge("if", "true", "yes", null), edge("yes", "after-yes"),
                        new Edge("if", "false", "no", null), edge("after-yes", "join"), edge("no", "join")), 4);

        assertEquals(List.of("v#1 {}", "if#1 {in=text}", "no#1 {in=text}", "join#1 {in=text}"), calls);
        assertTrue(trace(settled).containsAll(List.of("yes#1 skipped", "after-yes#1 skipped")), trace(settled).toString());
    }

    @Test
    void aFailedNodeActivatesNothingAndAFailingStepIsAFailedOutcome() {
        WorkflowEngine.Step failing = (node, visit, inputs) -> node.id().equals("broken")
                ? Uni.createFrom().failure(new IllegalStateException("the provider said no")) : step.run(node, visit, inputs);
        WorkflowGraph graph = WorkflowGraph.of(new WorkflowDefinition(List.of(value("v", "x"), upper("broken"), upper("next")),
                List.of(edge("v", "broken"), edge("broken", "next"))));

        List<Settled> settled = new WorkflowEngine(graph, failing, 4).run().await().atMost(Duration.ofSeconds(5));

        assertEquals(List.of("v#1 completed {out=x}", "broken#1 failed", "next#1 skipped"), trace(settled));
        assertEquals("the provider said no", settled.get(1).outcome().error());
    }

    @Test
    void aLoopRerunsItsBodyWithTheFeedbackUntilItsLimitThenHandsOnTheLastValue() {
        behaviour.put("grow", inputs -> NodeOutcome.completed(Map.of("out", inputs.get("in") + "+")));
        List<Settled> settled = walk(List.of(value("v", "a"), node("loop", "loop", Map.of("maxIterations", 3)), upper("grow"),
                        upper("after")),
                List.of(edge("v", "loop"), new Edge("loop", "body", "grow", null), new Edge("grow", null, "loop", "feedback"),
                        new Edge("loop", "done", "after", null)), 4);

        assertEquals(List.of("v#1 {}", "grow#1 {in=a}", "grow#2 {in=a+}", "grow#3 {in=a++}", "after#1 {in=a+++}"), calls);
        assertEquals(List.of("v#1 completed {out=a}", "loop#1 completed {body=a}", "grow#1 completed {out=a+}",
                "loop#2 completed {body=a+}", "grow#2 completed {out=a++}", "loop#3 completed {body=a++}",
                "grow#3 completed {out=a+++}", "loop#4 completed {done=a+++}", "after#1 completed {out=a+++}"), trace(settled));
    }

    @Test
    void aLoopStopsEarlyWhenItsUntilConditionHolds() {
        behaviour.put("grow", inputs -> NodeOutcome.completed(Map.of("out", inputs.get("in") + "+")));
        walk(List.of(value("v", "a"), node("loop", "loop", Map.of("maxIterations", 10,
                                "until", Map.of("operator", "equals", "value", "a++"))), upper("grow"), upper("after")),
                List.of(edge("v", "loop"), new Edge("loop", "body", "grow", null), new Edge("grow", null, "loop", "feedback"),
                        new Edge("loop", "done", "after", null)), 4);

        assertEquals(List.of("v#1 {}", "grow#1 {in=a}", "grow#2 {in=a+}", "after#1 {in=a++}"), calls);
    }

    @Test
    void independentNodesRunConcurrentlyAtMostMaxParallelAtOnce() {
        Map<String, UniEmitter<? super NodeOutcome>> pending = new LinkedHashMap<>();
        WorkflowEngine.Step held = (node, visit, inputs) -> Uni.createFrom().emitter(emitter -> pending.put(node.id(), emitter));
        List<Node> nodes = List.of(value("a", "1"), value("b", "2"), value("c", "3"), value("d", "4"), upper("join"));
        List<Edge> edges = List.of(edge("a", "join"), edge("b", "join"), edge("c", "join"), edge("d", "join"));
        List<List<Settled>> result = new ArrayList<>();

        new WorkflowEngine(WorkflowGraph.of(new WorkflowDefinition(nodes, edges)), held, 2).run().subscribe().with(result::add);

        assertEquals(List.of("a", "b"), List.copyOf(pending.keySet()), "two at once");
        pending.remove("a").complete(NodeOutcome.completed(Map.of("out", "1")));
        assertEquals(List.of("b", "c"), List.copyOf(pending.keySet()), "a finished: c takes its place");
        pending.remove("c").complete(NodeOutcome.completed(Map.of("out", "3")));
        pending.remove("b").complete(NodeOutcome.completed(Map.of("out", "2")));
        assertEquals(List.of("d"), List.copyOf(pending.keySet()), "join waits for d");
        pending.remove("d").complete(NodeOutcome.completed(Map.of("out", "4")));
        assertEquals(List.of("join"), List.copyOf(pending.keySet()));
        assertTrue(result.isEmpty(), "the walk ends when the last node settles");
        pending.remove("join").complete(NodeOutcome.completed(Map.of("out", "done")));

        assertEquals(List.of("a", "c", "b", "d", "join"), result.get(0).stream().map(visit -> visit.node().id()).toList());
    }

    @Test
    void anEmptyGraphCompletesWithNothingSettled() {
        assertEquals(List.of(), walk(List.of(), List.of(), 1));
    }
}
