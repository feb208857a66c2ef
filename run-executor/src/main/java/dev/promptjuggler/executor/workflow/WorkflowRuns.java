package dev.promptjuggler.executor.workflow;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.promptjuggler.contracts.RunStatus;
import dev.promptjuggler.contracts.prompt.PromptConfig;
import dev.promptjuggler.contracts.workflow.NodeType;
import dev.promptjuggler.contracts.workflow.WorkflowDefinition;
import dev.promptjuggler.contracts.workflow.WorkflowDefinition.Node;
import dev.promptjuggler.contracts.workflow.WorkflowGraph;
import dev.promptjuggler.executor.config.ExecutorConfig;
import dev.promptjuggler.executor.knowledge.KnowledgeSearchClient;
import dev.promptjuggler.executor.llm.ChatMessage;
import dev.promptjuggler.executor.llm.TokenUsage;
import dev.promptjuggler.executor.persistence.DefinitionLookup;
import dev.promptjuggler.executor.persistence.MemoryStore;
import dev.promptjuggler.executor.persistence.RunStore.Remembered;
import dev.promptjuggler.executor.persistence.WorkflowStore;
import dev.promptjuggler.executor.persistence.WorkflowStore.NodeRow;
import dev.promptjuggler.executor.service.MemoryMode;
import dev.promptjuggler.executor.service.PromptExecution;
import dev.promptjuggler.executor.service.PromptExecution.PromptInput;
import dev.promptjuggler.executor.service.RunCosts;
import dev.promptjuggler.executor.service.RunCosts.RunCost;
import dev.promptjuggler.executor.workflow.WorkflowEngine.Settled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Runs a workflow run: walks its graph ({@link WorkflowEngine}), runs each node by its type, stores each
 * node's result when it finishes, and reuses the stored results of a run that resumes after a crash (a
 * node whose result was stored never runs again). Prompt nodes read and append the run's thread memory on
 * their channel, as their prompt's memory mode says.
 */
@ApplicationScoped
public class WorkflowRuns {

    /** Workflow nodes running workflows nest at most this deep (a workflow calling itself ends here). */
    static final int MAX_DEPTH = 5;

    private final DefinitionLookup definitions;
    private final WorkflowStore store;
    private final MemoryStore memory;
    private final PromptExecution prompts;
    private final RunCosts costs;
    private final KnowledgeSearchClient knowledge;
    private final ObjectMapper json;
    private final int maxParallel;
    private final int memoryWindow;

    public WorkflowRuns(DefinitionLookup definitions, WorkflowStore store, MemoryStore memory, PromptExecution prompts,
            RunCosts costs, KnowledgeSearchClient knowledge, ObjectMapper json, ExecutorConfig config) {
        this.definitions = definitions;
        this.store = store;
        this.memory = memory;
        this.prompts = prompts;
        this.costs = costs;
        this.knowledge = knowledge;
        this.json = json;
        this.maxParallel = config.workflow().maxParallelNodes();
        this.memoryWindow = config.memory().window();
    }

    /** What a workflow run needs from its run record. */
    public record WorkflowRun(UUID runId, UUID tenantId, UUID threadId, Map<String, String> inputs,
            Map<String, String> variables) {
    }

    /**
     * The SDK's {@code WorkflowRun} results.
     *
     * @param outputs the Output nodes that got a value, by name
     * @param errors  the failed nodes' messages
     */
    public record WorkflowResult(RunStatus status, Map<String, String> outputs, List<String> errors, TokenUsage tokenUsage,
            RunCost cost) {
    }

    public Uni<WorkflowResult> run(WorkflowRun run, WorkflowDefinition definition) {
        return runNested(run, definition, "", 0);
    }

    /**
     * A workflow inside another run (a prompt's workflow tool): its node results are stored under that run,
     * their keys starting with {@code prefix}.
     */
    public Uni<WorkflowResult> runNested(WorkflowRun run, WorkflowDefinition definition, String prefix, int depth) {
        if (depth >= MAX_DEPTH) {
            return Uni.createFrom().item(new WorkflowResult(RunStatus.FAILED, Map.of(),
                    List.of("workflows nest at most " + MAX_DEPTH + " deep"), null, null));
        }
        return store.results(run.runId()).chain(stored -> walk(new Walk(run, stored, prefix, depth), definition, run.inputs()))
                .map(WorkflowRuns::result);
    }

    /** One run's shared state: its record, the stored results it may reuse, where in the nesting it is. */
    private record Walk(WorkflowRun run, Map<String, NodeRow> stored, String prefix, int depth) {
        Walk nested(String prefix) {
            return new Walk(run, stored, prefix, depth + 1);
        }
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
        return engine.run().call(settled -> store.record(walk.run().runId(), settled.stream()
                .filter(visit -> "skipped".equals(visit.outcome().status()) || "loop".equals(visit.node().type()))
                .map(visit -> row(walk, visit.node(), visit.visit(), visit.outcome(), started)).toList(), null, List.of()));
    }

    private Uni<NodeOutcome> step(Walk walk, Node node, int visit, Map<String, String> inputs, Map<String, String> graphInputs) {
        NodeRow stored = walk.stored().get(walk.prefix() + node.id() + "#" + visit);
        if (stored != null && !"skipped".equals(stored.status())) {
            return Uni.createFrom().item(outcome(stored));
        }
        Instant started = Instant.now();
        List<Remembered> remember = new ArrayList<>();
        // Deferred: a node that cannot even start (e.g. a Fanout input that is not an array) fails as a node.
        return Uni.createFrom().deferred(() -> execute(walk, node, visit, inputs, graphInputs, remember))
                .onFailure().recoverWithItem(failure -> NodeOutcome.failed(
                        failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage()))
                .call(outcome -> store.record(walk.run().runId(), List.of(row(walk, node, visit, outcome, started)),
                        String.valueOf(node.settings().getOrDefault("channel", "default")), remember));
    }

    private Uni<NodeOutcome> execute(Walk walk, Node node, int visit, Map<String, String> inputs,
            Map<String, String> graphInputs, List<Remembered> remember) {
        String in = inputs.getOrDefault("in", "");
        Map<String, Object> settings = node.settings();
        NodeType type = NodeType.fromWireName(node.type()).orElseThrow();
        return switch (type) {
            case INPUT -> graphInputs.containsKey(node.name())
                    ? done(Map.of("out", graphInputs.get(node.name())))
                    : Uni.createFrom().item(NodeOutcome.failed("input " + node.name() + " was not given"));
            case OUTPUT -> done(Map.of("value", in));
            case VALUE -> done(Map.of("out", String.valueOf(settings.get("value"))));
            case STRING -> pure(() -> Map.of("out", NodeFunctions.string(settings, inputs)));
            case ARRAY -> pure(() -> Map.of("out", NodeFunctions.array(settings, in)));
            case JSON_QUERY -> pure(() -> Map.of("out", NodeFunctions.jsonQuery(settings, in)));
            case IF -> pure(() -> Map.of(NodeFunctions.holds(settings, in) ? "true" : "false", in));
            case SWITCH -> pure(() -> Map.of(switchCase(settings, in), in));
            case PROMPT -> prompt(walk, node, inputs, remember);
            case WORKFLOW -> workflow(walk, node, inputs, walk.prefix() + node.id() + suffix(visit) + "/");
            case KB_SEARCH -> knowledge.search(walk.run().tenantId(), String.valueOf(settings.get("knowledgeBase")),
                            inputs.getOrDefault("query", ""), integer(settings.get("topK"), 5),
                            settings.get("minScore") instanceof Number score ? score.doubleValue() : null)
                    .map(hits -> NodeOutcome.completed(Map.of("out", hits.encode())));
            case FANOUT -> fanout(walk, node, visit, in);
            case LOOP -> throw new IllegalStateException("loop nodes are the engine's");
            case SCRIPT -> Uni.createFrom().item(NodeOutcome.failed("script nodes are not supported by this deployment"));
        };
    }

    private Uni<NodeOutcome> prompt(Walk walk, Node node, Map<String, String> inputs, List<Remembered> remember) {
        String channel = String.valueOf(node.settings().getOrDefault("channel", "default"));
        return promptConfig(walk, node.settings()).chain(config -> {
            MemoryMode mode = MemoryMode.of(config.memory());
            Uni<List<ChatMessage>> history = mode.reads()
                    ? memory.history(walk.run().threadId(), channel, memoryWindow) : Uni.createFrom().item(List.of());
            return history.chain(messages -> prompts.run(config, new PromptInput(walk.run().tenantId(),
                            walk.run().runId(), walk.run().threadId(), inputs, walk.run().variables(), messages, 0)))
                    .map(result -> {
                        NodeOutcome outcome = result.failure() == null
                                ? NodeOutcome.completed(result.output() == null ? Map.of() : Map.of("out", result.output()))
                                : NodeOutcome.failed(result.failure());
                        if (result.failure() == null && mode.writes()) {
                            result.userMessages().forEach(text -> remember.add(new Remembered("user", text)));
                            if (result.output() != null) {
                                remember.add(new Remembered("assistant", result.output()));
                            }
                        }
                        RunCosts.Spend spent = costs.spend(result.turns(), result.nested());
                        return outcome.withSpend(spent.usage(), spent.cost());
                    });
        });
    }

    private Uni<NodeOutcome> workflow(Walk walk, Node node, Map<String, String> inputs, String prefix) {
        if (walk.depth() + 1 >= MAX_DEPTH) {
            return Uni.createFrom().item(NodeOutcome.failed("workflows nest at most " + MAX_DEPTH + " deep"));
        }
        return workflowDefinition(walk, node.settings())
                .chain(definition -> walk(walk.nested(prefix), definition, inputs))
                .map(settled -> {
                    WorkflowResult nested = result(settled);
                    NodeOutcome outcome = nested.errors().isEmpty() ? NodeOutcome.completed(nested.outputs())
                            : NodeOutcome.failed(String.join("; ", nested.errors()));
                    return outcome.withSpend(nested.tokenUsage(), nested.cost());
                });
    }

    /** Each item of the input array through the prompt (its single placeholder) or workflow (its single Input). */
    private Uni<NodeOutcome> fanout(Walk walk, Node node, int visit, String in) {
        List<String> items = NodeFunctions.items(in);
        int concurrency = integer(node.settings().get("concurrency"), 4);
        boolean isPrompt = node.settings().get("prompt") != null;
        Uni<String> input = isPrompt
                ? promptConfig(walk, node.settings()).map(config -> single(dev.promptjuggler.contracts.prompt.PromptTemplate
                        .placeholders(config), node))
                : workflowDefinition(walk, node.settings()).map(definition -> single(definition.nodes().stream()
                        .filter(candidate -> "input".equals(candidate.type())).map(Node::name).toList(), node));
        return input.chain(name -> Multi.createFrom().range(0, items.size())
                .onItem().transformToUni(index -> {
                    Map<String, String> itemInputs = Map.of(name, items.get(index));
                    Uni<NodeOutcome> one = isPrompt ? prompt(walk, node, itemInputs, new ArrayList<>())
                            : workflow(walk, node, itemInputs, walk.prefix() + node.id() + suffix(visit) + "/" + index + "/");
                    return one.map(outcome -> Map.entry(index, outcome));
                }).merge(concurrency)
                .collect().asList())
                .map(results -> {
                    results.sort(Map.Entry.comparingByKey());
                    List<String> failures = results.stream().map(Map.Entry::getValue).filter(NodeOutcome::ranAndFailed)
                            .map(NodeOutcome::error).toList();
                    List<NodeOutcome> outcomes = results.stream().map(Map.Entry::getValue).toList();
                    NodeOutcome outcome = failures.isEmpty()
                            ? NodeOutcome.completed(Map.of("out", NodeFunctions.write(outcomes.stream()
                                    .map(each -> each.outputs().getOrDefault("out", json(each.outputs()))).toList())))
                            : NodeOutcome.failed(failures.size() + " of " + items.size() + " items failed: " + failures.get(0));
                    return outcome.withSpend(sumUsage(outcomes), sumCost(outcomes));
                });
    }

    private Uni<PromptConfig> promptConfig(Walk walk, Map<String, Object> settings) {
        String ref = String.valueOf(settings.get("prompt"));
        String version = text(settings.get("version"));
        return definitions.publishedPrompt(walk.run().tenantId(), ref, version).map(found -> found.orElseThrow(() ->
                new IllegalStateException("prompt " + ref + " has no published version " + version)));
    }

    private Uni<WorkflowDefinition> workflowDefinition(Walk walk, Map<String, Object> settings) {
        String ref = String.valueOf(settings.get("workflow"));
        String version = text(settings.get("version"));
        return definitions.publishedWorkflow(walk.run().tenantId(), ref, version).map(found -> found.orElseThrow(() ->
                new IllegalStateException("workflow " + ref + " has no published version " + version)));
    }

    private static String single(java.util.Collection<String> names, Node node) {
        if (names.size() != 1) {
            throw new IllegalStateException("a fanout runs what has exactly one input; " + node.settings().getOrDefault("prompt",
                    node.settings().get("workflow")) + " has " + names.size());
        }
        return names.iterator().next();
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

    /** The run's results from its settled visits: the latest visit of each node counts. */
    private static WorkflowResult result(List<Settled> settled) {
        Map<String, String> outputs = new LinkedHashMap<>();
        List<String> errors = new ArrayList<>();
        List<NodeOutcome> spent = new ArrayList<>();
        for (Settled visit : settled) {
            NodeOutcome outcome = visit.outcome();
            if ("output".equals(visit.node().type()) && outcome.outputs().containsKey("value")) {
                outputs.put(visit.node().name(), outcome.outputs().get("value"));
            }
            if (outcome.ranAndFailed()) {
                errors.add("node " + (visit.node().name() == null ? visit.node().id() : visit.node().name()) + ": "
                        + outcome.error());
            }
            spent.add(outcome);
        }
        return new WorkflowResult(errors.isEmpty() ? RunStatus.COMPLETED : RunStatus.FAILED, outputs, errors,
                sumUsage(spent), sumCost(spent));
    }

    private static TokenUsage sumUsage(List<NodeOutcome> outcomes) {
        return outcomes.stream().map(NodeOutcome::usage).filter(Objects::nonNull).reduce(TokenUsage::plus).orElse(null);
    }

    /** Null when nothing was spent, or when something spent has no price. */
    private static RunCost sumCost(List<NodeOutcome> outcomes) {
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

    private NodeRow row(Walk walk, Node node, int visit, NodeOutcome outcome, Instant started) {
        return new NodeRow(walk.prefix() + node.id(), visit, node.type(), node.name(), outcome.status(), outcome.outputs(),
                outcome.error(), outcome.usage() == null ? null : json(outcome.usage()),
                outcome.cost() == null ? null : json(outcome.cost()), started);
    }

    private NodeOutcome outcome(NodeRow row) {
        try {
            return new NodeOutcome(row.status(), row.outputs(), row.error(),
                    row.tokenUsage() == null ? null : json.readValue(row.tokenUsage(), TokenUsage.class),
                    row.cost() == null ? null : json.readValue(row.cost(), RunCost.class));
        } catch (Exception e) {
            throw new IllegalStateException("unreadable stored result of node " + row.nodeKey(), e);
        }
    }

    private String json(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static Uni<NodeOutcome> done(Map<String, String> outputs) {
        return Uni.createFrom().item(NodeOutcome.completed(outputs));
    }

    private static Uni<NodeOutcome> pure(java.util.function.Supplier<Map<String, String>> function) {
        return Uni.createFrom().item(() -> {
            try {
                return NodeOutcome.completed(function.get());
            } catch (NodeFunctions.NodeFailure | java.util.regex.PatternSyntaxException e) {
                return NodeOutcome.failed(e.getMessage());
            }
        });
    }

    private static String suffix(int visit) {
        return visit == 1 ? "" : "#" + visit;
    }

    private static int integer(Object value, int otherwise) {
        return value instanceof Number number ? number.intValue() : otherwise;
    }

    private static String text(Object value) {
        return value instanceof Number number && number.doubleValue() == number.longValue()
                ? String.valueOf(number.longValue()) : String.valueOf(value);
    }
}
