package dev.promptjuggler.executor.workflow;

import dev.promptjuggler.contracts.workflow.NodeType;
import dev.promptjuggler.contracts.workflow.WorkflowDefinition.Edge;
import dev.promptjuggler.contracts.workflow.WorkflowDefinition.Node;
import dev.promptjuggler.contracts.workflow.WorkflowGraph;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.smallrye.mutiny.subscription.UniEmitter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Walks one workflow graph (a run, or a nested Workflow node): a node runs once every node feeding it has
 * settled; values arriving at one input from several active edges are merged into a JSON array; a node that
 * gets no value at all is skipped, and so, in turn, is what only it feeds. Loop nodes re-run their body.
 * Independent nodes run concurrently, at most {@code maxParallel} at once. Which node runs how many times,
 * with which inputs, depends only on the graph and the nodes' results, so a run that resumes after a crash
 * walks the same path and the {@link Step} can reuse stored results. Cancelling the walk's subscription (the run
 * was stopped) cancels the steps in flight and starts no more.
 */
final class WorkflowEngine {

    /** Runs one visit of a node (or reuses its stored result); never fails: a failure is a failed outcome. */
    interface Step {
        Uni<NodeOutcome> run(Node node, int visit, Map<String, String> inputs);
    }

    /** A node visit that settled: the run's result and trace are made of these. */
    record Settled(Node node, int visit, NodeOutcome outcome) {
    }

    private final WorkflowGraph graph;
    private final Step step;
    private final int maxParallel;

    private final Map<String, NodeOutcome> current = new HashMap<>();
    private final Map<String, Integer> visits = new HashMap<>();
    private final Set<String> queued = new HashSet<>();
    private final ArrayDeque<String> ready = new ArrayDeque<>();
    private final Set<String> finishedLoops = new HashSet<>();
    private final Map<String, Set<String>> bodies = new HashMap<>();
    private final List<Settled> settled = new ArrayList<>();
    private final List<Cancellable> steps = new ArrayList<>();
    private int running;
    private boolean completed;
    private UniEmitter<? super List<Settled>> emitter;

    WorkflowEngine(WorkflowGraph graph, Step step, int maxParallel) {
        this.graph = graph;
        this.step = step;
        this.maxParallel = maxParallel;
        graph.nodesOf(NodeType.LOOP).forEach(loop -> bodies.put(loop.id(), graph.loopBody(loop.id())));
    }

    /** @return every settled node visit, in the order they settled */
    Uni<List<Settled>> run() {
        return Uni.createFrom().emitter(emitter -> {
            synchronized (this) {
                this.emitter = emitter;
                graph.nodes().stream().filter(node -> feeding(node).isEmpty()).forEach(node -> enqueue(node.id()));
            }
            emitter.onTermination(this::stop);
            pump();
        });
    }

    /** The walk ended or its subscriber went away: steps still running are cancelled, none starts any more. */
    private void stop() {
        List<Cancellable> cancelling;
        synchronized (this) {
            completed = true;
            ready.clear();
            cancelling = List.copyOf(steps);
            steps.clear();
        }
        cancelling.forEach(Cancellable::cancel);
    }

    private void pump() {
        List<String> starts = new ArrayList<>();
        synchronized (this) {
            if (completed) {
                return;
            }
            while (running < maxParallel && !ready.isEmpty()) {
                running++;
                starts.add(ready.poll());
            }
            if (running == 0 && ready.isEmpty() && !completed) {
                completed = true;
                emitter.complete(List.copyOf(settled));
                return;
            }
        }
        starts.forEach(this::start);
    }

    private void start(String id) {
        Node node = graph.node(id);
        Map<String, String> inputs;
        int visit;
        synchronized (this) {
            inputs = inputs(node);
            visit = visits.merge(id, 1, Integer::sum);
        }
        if (inputs.isEmpty() && !feeding(node).isEmpty()) {
            settle(node, visit, NodeOutcome.skipped());
        } else if (graph.type(node) == NodeType.LOOP) {
            settle(node, visit, NodeOutcome.completed(Map.of("body", inputs.get("in"))));
        } else {
            Cancellable subscription = step.run(node, visit, inputs).subscribe().with(outcome -> settle(node, visit, outcome),
                    failure -> settle(node, visit, NodeOutcome.failed(String.valueOf(failure.getMessage()))));
            boolean stopped;
            synchronized (this) {
                stopped = completed;
                if (!stopped) {
                    steps.add(subscription);
                }
            }
            if (stopped) {
                // Stopped while it was subscribing (or it settled at once and ended the walk: cancelling is harmless).
                subscription.cancel();
            }
        }
    }

    private void settle(Node node, int visit, NodeOutcome outcome) {
        synchronized (this) {
            running--;
            queued.remove(node.id());
            current.put(node.id(), outcome);
            settled.add(new Settled(node, visit, outcome));
            graph.outgoing(node.id()).stream().filter(edge -> !isFeedback(edge)).map(Edge::to).distinct()
                    .forEach(this::enqueueWhenReady);
            bodies.forEach((loop, body) -> {
                if (body.contains(node.id())) {
                    iterate(graph.node(loop), body);
                }
            });
        }
        pump();
    }

    /** Once every node of an iteration settled: the loop goes round again, or hands its value on as done. */
    private void iterate(Node loop, Set<String> body) {
        if (finishedLoops.contains(loop.id()) || !body.stream().allMatch(current::containsKey)
                || !current.containsKey(loop.id())) {
            return;
        }
        if (!current.get(loop.id()).outputs().containsKey("body")) {
            // The loop got no value to start with: it and its body were skipped.
            finishedLoops.add(loop.id());
            return;
        }
        List<String> feedback = new ArrayList<>();
        graph.incoming(loop.id()).stream().filter(this::isFeedback).forEach(edge -> {
            String value = current.get(edge.from()).outputs().get(edge.fromHandle());
            if (value != null) {
                feedback.add(value);
            }
        });
        int iteration = visits.get(loop.id());
        int max = ((Number) loop.settings().get("maxIterations")).intValue();
        String value = feedback.isEmpty() ? null : merged(feedback);
        boolean again = value != null && iteration < max
                && !(loop.settings().get("until") instanceof Map<?, ?> until && NodeFunctions.holds(until, value));
        int visit = visits.merge(loop.id(), 1, Integer::sum);
        if (again) {
            body.forEach(current::remove);
            settledLoop(loop, visit, NodeOutcome.completed(Map.of("body", value)));
            graph.outgoing(loop.id()).stream().filter(edge -> edge.fromHandle().equals("body"))
                    .map(Edge::to).distinct().forEach(this::enqueueWhenReady);
        } else {
            finishedLoops.add(loop.id());
            settledLoop(loop, visit, value == null ? NodeOutcome.skipped() : NodeOutcome.completed(Map.of("done", value)));
            graph.outgoing(loop.id()).stream().filter(edge -> edge.fromHandle().equals("done"))
                    .map(Edge::to).distinct().forEach(this::enqueueWhenReady);
        }
    }

    private void settledLoop(Node loop, int visit, NodeOutcome outcome) {
        current.put(loop.id(), outcome);
        settled.add(new Settled(loop, visit, outcome));
    }

    /**
     * Queues a node once everything feeding it settled for this round: every source node, and a Loop feeding
     * it through {@code done} only once that loop is finished.
     */
    private void enqueueWhenReady(String id) {
        if (current.containsKey(id) || queued.contains(id)) {
            return;
        }
        boolean ready = feeding(graph.node(id)).stream().allMatch(edge -> current.containsKey(edge.from())
                && (!edge.fromHandle().equals("done") || !graph.node(edge.from()).is(NodeType.LOOP)
                        || finishedLoops.contains(edge.from())));
        if (ready) {
            enqueue(id);
        }
    }

    private void enqueue(String id) {
        if (queued.add(id)) {
            ready.add(id);
        }
    }

    /** The active values at each input handle, several merged into a JSON array (in edge order). */
    private Map<String, String> inputs(Node node) {
        Map<String, List<String>> byHandle = new LinkedHashMap<>();
        for (Edge edge : feeding(node)) {
            NodeOutcome source = current.get(edge.from());
            String value = source == null ? null : source.outputs().get(edge.fromHandle());
            if (value != null) {
                byHandle.computeIfAbsent(edge.toHandle(), handle -> new ArrayList<>()).add(value);
            }
        }
        Map<String, String> inputs = new LinkedHashMap<>();
        byHandle.forEach((handle, values) -> inputs.put(handle, merged(values)));
        return inputs;
    }

    private static String merged(List<String> values) {
        return values.size() == 1 ? values.get(0) : NodeFunctions.write(values);
    }

    /** The edges a node waits for: all incoming ones, except a Loop's feedback. */
    private List<Edge> feeding(Node node) {
        return graph.incoming(node.id()).stream().filter(edge -> !isFeedback(edge)).toList();
    }

    private boolean isFeedback(Edge edge) {
        return edge.toHandle().equals("feedback") && graph.node(edge.to()).is(NodeType.LOOP);
    }
}
