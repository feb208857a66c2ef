package dev.promptjuggler.executor.workflow;

import dev.promptjuggler.contracts.prompt.PromptTemplate;
import dev.promptjuggler.contracts.workflow.NodeType;
import dev.promptjuggler.contracts.workflow.WorkflowDefinition;
import dev.promptjuggler.contracts.workflow.WorkflowDefinition.Node;
import dev.promptjuggler.contracts.workflow.WorkflowGraph;
import dev.promptjuggler.executor.config.ExecutorConfig;
import dev.promptjuggler.executor.metrics.ExecutorMetrics;
import dev.promptjuggler.executor.knowledge.KnowledgeSearchClient;
import dev.promptjuggler.executor.persistence.DefinitionLookup;
import dev.promptjuggler.executor.persistence.RunStore.Remembered;
import dev.promptjuggler.executor.service.NestingLimit;
import dev.promptjuggler.executor.service.PromptRunner;
import dev.promptjuggler.executor.workflow.NodeResults.Visit;
import dev.promptjuggler.executor.workflow.WorkflowEngine.Settled;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * Runs a workflow run: walks its graph ({@link WorkflowEngine}) and runs each node by its type, the nodes that
 * run nested workflows (Workflow, Fanout) as walks of their own one level deeper. Every visit's result is stored
 * as it settles and reused when the run resumes ({@link NodeResults}); Prompt nodes run through the
 * {@link PromptRunner} of the run ({@link PromptNodes}).
 */
@ApplicationScoped
public class WorkflowRuns {

    private final DefinitionLookup definitions;
    private final NodeResults results;
    private final PromptNodes promptNodes;
    private final KnowledgeSearchClient knowledge;
    private final NestingLimit nesting;
    private final int maxParallel;
    private final ExecutorMetrics metrics;
    private final Tracer tracer;

    public WorkflowRuns(DefinitionLookup definitions, NodeResults results, PromptNodes promptNodes,
            KnowledgeSearchClient knowledge, NestingLimit nesting, ExecutorConfig config, ExecutorMetrics metrics,
            Tracer tracer) {
        this.metrics = metrics;
        this.tracer = tracer;
        this.definitions = definitions;
        this.results = results;
        this.promptNodes = promptNodes;
        this.knowledge = knowledge;
        this.nesting = nesting;
        this.maxParallel = config.workflow().maxParallelNodes();
    }

    /** A run's workflow; its Prompt nodes run through {@code prompts}. */
    public Uni<WorkflowResult> run(WorkflowRun run, WorkflowDefinition definition, PromptRunner prompts) {
        return runNested(run, definition, prompts, "", 0);
    }

    /**
     * A workflow inside another run (a prompt's workflow tool): its node results are stored under that run, their
     * keys starting with {@code prefix}.
     *
     * @param depth levels of nested runs above it ({@link NestingLimit}, checked by the caller)
     */
    public Uni<WorkflowResult> runNested(WorkflowRun run, WorkflowDefinition definition, PromptRunner prompts,
            String prefix, int depth) {
        return results.load(run.runId())
                .chain(stored -> walk(new Walk(run, stored, prefix, depth, prompts), definition, run.inputs()))
                .map(WorkflowResult::of);
    }

    /** The graph's settled visits; skipped nodes and loop decisions are stored for the trace at the end. */
    private Uni<List<Settled>> walk(Walk walk, WorkflowDefinition definition, Map<String, String> inputs) {
        WorkflowGraph graph;
        try {
            graph = WorkflowGraph.of(definition);
        } catch (IllegalArgumentException e) {
            return Uni.createFrom().failure(e);
        }
        WorkflowEngine engine = new WorkflowEngine(graph, (node, visit, nodeInputs) ->
                step(walk, node, visit, nodeInputs, inputs), maxParallel);
        Instant started = Instant.now();
        return engine.run().call(settled -> results.record(walk, settled.stream()
                .filter(visit -> "skipped".equals(visit.outcome().status()) || visit.node().is(NodeType.LOOP))
                .map(visit -> new Visit(visit.node(), visit.visit(), visit.outcome(), started)).toList(), null, List.of()));
    }

    /** One visit of a node: its stored result, or the node run and its result stored. */
    private Uni<NodeOutcome> step(Walk walk, Node node, int visit, Map<String, String> inputs,
            Map<String, String> graphInputs) {
        var stored = results.reusable(walk, node, visit);
        if (stored.isPresent()) {
            return Uni.createFrom().item(stored.get());
        }
        Instant started = Instant.now();
        List<Remembered> remember = new ArrayList<>();
        Span span = tracer.spanBuilder("workflow node " + node.type())
                .setParent(walk.run().trace())
                .setAttribute("promptjuggler.node.id", walk.prefix() + node.id())
                .setAttribute("promptjuggler.node.type", node.type())
                .setAttribute("promptjuggler.node.visit", visit)
                .startSpan();
        Walk traced = walk.tracedUnder(walk.run().trace().with(span));
        // Deferred: a node that cannot even start (e.g. a Fanout input that is not an array) fails as a node.
        return Uni.createFrom().deferred(() -> execute(traced, node, visit, inputs, graphInputs, remember))
                .onFailure().recoverWithItem(failure -> NodeOutcome.failed(
                        failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage()))
                .invoke(outcome -> {
                    metrics.workflowNode(node.type(), outcome.status());
                    span.setAttribute("promptjuggler.node.status", outcome.status());
                    if ("failed".equals(outcome.status())) {
                        span.setStatus(StatusCode.ERROR);
                    }
                    span.end();
                })
                .call(outcome -> results.record(walk, List.of(new Visit(node, visit, outcome, started)),
                        PromptNodes.channel(node.settings()), remember));
    }

    private Uni<NodeOutcome> execute(Walk walk, Node node, int visit, Map<String, String> inputs,
            Map<String, String> graphInputs, List<Remembered> remember) {
        Map<String, Object> settings = node.settings();
        NodeType type = NodeType.fromWireName(node.type()).orElseThrow();
        return switch (type) {
            case INPUT, OUTPUT, VALUE, STRING, ARRAY, JSON_QUERY, IF, SWITCH ->
                    Uni.createFrom().item(ValueNodes.run(type, node, inputs, graphInputs));
            case PROMPT -> promptNodes.run(walk, settings, inputs, remember);
            case WORKFLOW -> workflow(walk, node, inputs, walk.prefix() + node.id() + suffix(visit) + "/");
            case KB_SEARCH -> knowledge.search(walk.run().tenantId(), String.valueOf(settings.get("knowledgeBase")),
                            inputs.getOrDefault("query", ""), Settings.integer(settings.get("topK"), 5),
                            settings.get("minScore") instanceof Number score ? score.doubleValue() : null,
                            settings.get("filter") instanceof Map<?, ?> filter ? JsonObject.mapFrom(filter) : null,
                            walk.run().trace())
                    .map(hits -> NodeOutcome.completed(Map.of("out", hits.encode())));
            case FANOUT -> fanout(walk, node, visit, inputs.getOrDefault("in", ""));
            case LOOP -> throw new IllegalStateException("loop nodes are the engine's");
            case SCRIPT -> Uni.createFrom().item(NodeOutcome.failed("script nodes are not supported by this deployment"));
        };
    }

    /** A Workflow node (or a Fanout's workflow item): the named workflow walked one level deeper, under {@code prefix}. */
    private Uni<NodeOutcome> workflow(Walk walk, Node node, Map<String, String> inputs, String prefix) {
        var refusal = nesting.refusal(walk.depth() + 1);
        if (refusal.isPresent()) {
            return Uni.createFrom().item(NodeOutcome.failed(refusal.get()));
        }
        return workflowDefinition(walk, node.settings())
                .chain(definition -> walk(walk.nested(prefix), definition, inputs))
                .map(settled -> {
                    WorkflowResult nested = WorkflowResult.of(settled);
                    NodeOutcome outcome = nested.errors().isEmpty() ? NodeOutcome.completed(nested.outputs())
                            : NodeOutcome.failed(String.join("; ", nested.errors()));
                    return outcome.withSpend(nested.tokenUsage(), nested.cost());
                });
    }

    /** Each item of the input array through the prompt (its single placeholder) or workflow (its single Input). */
    private Uni<NodeOutcome> fanout(Walk walk, Node node, int visit, String in) {
        List<String> items = NodeFunctions.items(in);
        int concurrency = Settings.integer(node.settings().get("concurrency"), 4);
        boolean isPrompt = node.settings().get("prompt") != null;
        Uni<String> input = isPrompt
                ? promptNodes.config(walk, node.settings()).map(config -> single(PromptTemplate.placeholders(config), node))
                : workflowDefinition(walk, node.settings()).map(definition -> single(definition.nodes().stream()
                        .filter(candidate -> candidate.is(NodeType.INPUT)).map(Node::name).toList(), node));
        return input.chain(name -> Multi.createFrom().range(0, items.size())
                .onItem().transformToUni(index -> {
                    Map<String, String> itemInputs = Map.of(name, items.get(index));
                    Uni<NodeOutcome> one = isPrompt ? promptNodes.run(walk, node.settings(), itemInputs, new ArrayList<>())
                            : workflow(walk, node, itemInputs, walk.prefix() + node.id() + suffix(visit) + "/" + index + "/");
                    return one.map(outcome -> Map.entry(index, outcome));
                }).merge(concurrency)
                .collect().asList())
                .map(settled -> {
                    settled.sort(Map.Entry.comparingByKey());
                    List<NodeOutcome> outcomes = settled.stream().map(Map.Entry::getValue).toList();
                    List<String> failures = outcomes.stream().filter(NodeOutcome::ranAndFailed).map(NodeOutcome::error)
                            .toList();
                    NodeOutcome outcome = failures.isEmpty()
                            ? NodeOutcome.completed(Map.of("out", NodeFunctions.write(outcomes.stream()
                                    .map(each -> each.outputs().getOrDefault("out", NodeFunctions.write(each.outputs())))
                                    .toList())))
                            : NodeOutcome.failed(failures.size() + " of " + items.size() + " items failed: " + failures.get(0));
                    return outcome.withSpend(WorkflowResult.usage(outcomes), WorkflowResult.cost(outcomes));
                });
    }

    private Uni<WorkflowDefinition> workflowDefinition(Walk walk, Map<String, Object> settings) {
        String ref = String.valueOf(settings.get("workflow"));
        String version = Settings.text(settings.get("version"));
        return definitions.publishedWorkflow(walk.run().tenantId(), ref, version).map(found -> found.orElseThrow(() ->
                new IllegalStateException("workflow " + ref + " has no published version " + version)));
    }

    private static String single(Collection<String> names, Node node) {
        if (names.size() != 1) {
            throw new IllegalStateException("a fanout runs what has exactly one input; " + node.settings().getOrDefault("prompt",
                    node.settings().get("workflow")) + " has " + names.size());
        }
        return names.iterator().next();
    }

    private static String suffix(int visit) {
        return visit == 1 ? "" : "#" + visit;
    }
}
