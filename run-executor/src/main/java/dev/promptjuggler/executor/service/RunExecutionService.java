package dev.promptjuggler.executor.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.promptjuggler.contracts.RunFinished;
import dev.promptjuggler.contracts.RunKind;
import dev.promptjuggler.contracts.RunRequested;
import dev.promptjuggler.contracts.RunStatus;
import dev.promptjuggler.contracts.prompt.PromptConfig;
import dev.promptjuggler.contracts.workflow.NodeType;
import dev.promptjuggler.contracts.workflow.WorkflowDefinition;
import dev.promptjuggler.executor.config.ExecutorConfig;
import dev.promptjuggler.executor.llm.ChatMessage;
import dev.promptjuggler.executor.messaging.RunFinishedPublisher;
import dev.promptjuggler.executor.messaging.StreamFramePublisher;
import dev.promptjuggler.executor.metrics.ExecutorMetrics;
import dev.promptjuggler.executor.persistence.MemoryStore;
import dev.promptjuggler.executor.persistence.RunLeaseStore.ClaimedRun;
import dev.promptjuggler.executor.persistence.RunLeaseStore.ExhaustedRun;
import dev.promptjuggler.executor.persistence.RunStore;
import dev.promptjuggler.executor.persistence.RunStore.Outcome;
import dev.promptjuggler.executor.persistence.RunStore.PendingRun;
import dev.promptjuggler.executor.persistence.RunStore.Remembered;
import dev.promptjuggler.executor.service.UnrunnableRunException.Reason;
import dev.promptjuggler.executor.stream.RunStream;
import dev.promptjuggler.executor.workflow.PromptNodes;
import dev.promptjuggler.executor.workflow.WorkflowResult;
import dev.promptjuggler.executor.workflow.WorkflowRun;
import dev.promptjuggler.executor.workflow.WorkflowRuns;
import dev.promptjuggler.runtime.messaging.RunRequestPublisher;
import io.quarkus.runtime.Startup;
import dev.promptjuggler.runtime.tracing.TraceParent;
import io.opentelemetry.context.Context;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Executes one claimed run: environment variables, thread memory for its channel, the prompt with its
 * tool loop (or the workflow's graph, {@link WorkflowRuns}); then the outcome (with what memory keeps) is
 * committed, then {@code runs.finished} is published (result before notice), then the run is marked
 * notified, then the next run of its lane is handed on. While it runs, its frames go to the thread's live stream
 * ({@link RunStream}); its {@code done} or {@code failure} frame once its outcome is stored. A run that can never execute (its variables do not
 * decrypt, its revision cannot be read, it used up its claims) takes the same way as a failed one, with the
 * reason as its error and its {@code failure} frame (on every channel a workflow's Prompt nodes stream on, so a
 * subscriber never waits for an end that does not come), and is counted in {@code executor.runs.abandoned}. A run
 * stopped by a cancel request or its deadline ({@link RunStop}) ends {@code failed} with {@code cancelled} or
 * {@code timed out} the same way, counted in {@code executor.runs.stopped}.
 *
 * <p>Created at startup, so its counters are reported (at zero) before the first run.
 */
@Startup
@ApplicationScoped
public class RunExecutionService {

    private static final Logger LOG = Logger.getLogger(RunExecutionService.class);

    /** The {@code failure} frame's code: the run ended {@code failed}; its message says why. */
    static final String FAILURE_CODE = "run_failed";

    private final RunStore runs;
    private final MemoryStore memory;
    private final PromptExecution prompts;
    private final RunCosts costs;
    private final WorkflowRuns workflows;
    private final RunFinishedPublisher finished;
    private final RunRequestPublisher requests;
    private final EnvironmentResolver environment;
    private final StreamFramePublisher frames;
    private final ObjectMapper json;
    private final int memoryWindow;
    private final ExecutorMetrics metrics;

    public RunExecutionService(RunStore runs, MemoryStore memory, PromptExecution prompts, RunCosts costs,
            WorkflowRuns workflows, RunFinishedPublisher finished, RunRequestPublisher requests,
            EnvironmentResolver environment, StreamFramePublisher frames, ObjectMapper json, ExecutorConfig config,
            ExecutorMetrics metrics) {
        this.frames = frames;
        this.workflows = workflows;
        this.runs = runs;
        this.memory = memory;
        this.prompts = prompts;
        this.costs = costs;
        this.finished = finished;
        this.requests = requests;
        this.environment = environment;
        this.json = json;
        this.memoryWindow = config.memory().window();
        this.metrics = metrics;
    }

    /**
     * Executes a run this worker just claimed, with what the claim returned: no further read before the prompt
     * runs.
     *
     * @param trace the run's span: provider calls, tool calls, workflow nodes and the finished notice go under it
     * @param stop  stops the run's work when it is cancelled or reaches its deadline ({@link RunStops#started})
     * @return the status this execution stored as the run's end; empty when it stored none (ended already)
     */
    public Uni<Optional<RunStatus>> execute(ClaimedRun claimed, Context trace, RunStop stop) {
        PendingRun run = claimed.run();
        return execute(run, Uni.createFrom().item(() -> environment.resolve(run.tenantId(), run.id(), run.environment(),
                claimed.storedVariables(), claimed.runVariables())), trace, stop);
    }

    /**
     * Executes a run this worker holds, reading it first: for a retry after an infrastructure failure, when the
     * outcome may already be stored (then nothing is run again).
     */
    public Uni<Optional<RunStatus>> execute(RunRequested request, Context trace, RunStop stop) {
        return runs.find(request.runId()).chain(found -> {
            if (found.isEmpty()) {
                LOG.warnf("Run %s was requested but has no record; ignoring the request", request.runId());
                return Uni.createFrom().item(Optional.<RunStatus>empty());
            }
            PendingRun run = found.get();
            if (!run.pending()) {
                LOG.debugf("Run %s already finished; ignoring a repeated request", run.id());
                return Uni.createFrom().item(Optional.<RunStatus>empty());
            }
            return execute(run, environment.variables(run.tenantId(), run.id(), run.environment()), trace, stop);
        });
    }

    /**
     * Ends a run the sweeper claimed because it used up its claims ({@code executor.max-claims}): failed, without
     * executing it again, with its finished notice.
     */
    public Uni<Void> abandon(ExhaustedRun run) {
        RunStream stream = RunStream.of(frames, run.tenantId(), run.threadId(), run.id(), run.channel())
                .endingAlsoOn(promptNodeChannels(run.kind(), run.config()));
        return abandon(run.id(), run.tenantId(), run.kind(), run.environment(), new UnrunnableRunException(
                Reason.MAX_CLAIMS, "abandoned after " + run.claims() + " claims: each time, the executor running it"
                        + " stopped or lost its lease before storing an outcome"), stream,
                TraceParent.context(run.traceparent()))
                .replaceWithVoid();
    }

    /**
     * A run a caller cancelled before it was claimed is stopped before anything of it runs: its variables are not
     * even resolved, no provider is called, and it ends as a stopped run does.
     */
    private Uni<Optional<RunStatus>> execute(PendingRun run, Uni<Map<String, String>> resolvedVariables, Context trace,
            RunStop stop) {
        if (run.cancelled()) {
            stop.stop(RunStop.Why.CANCELLED);
        }
        return Uni.createFrom().deferred(() -> run.kind() == RunKind.WORKFLOW
                        ? executeWorkflow(run, resolvedVariables, trace, stop)
                        : executePrompt(run, resolvedVariables, trace, stop))
                .onFailure(UnrunnableRunException.class).recoverWithUni(failure -> abandon(run.id(), run.tenantId(),
                        run.kind(), run.environment(), (UnrunnableRunException) failure,
                        stream(run).endingAlsoOn(promptNodeChannels(run.kind(), run.config())), trace));
    }

    /**
     * A workflow's Prompt nodes' channels, where its executions stream; none for a prompt run (its own channel is
     * the stream's) or a revision that does not read (nothing of it ever ran).
     */
    private Set<String> promptNodeChannels(RunKind kind, String config) {
        if (kind != RunKind.WORKFLOW) {
            return Set.of();
        }
        try {
            return json.readValue(config, WorkflowDefinition.class).nodes().stream()
                    .filter(node -> node.is(NodeType.PROMPT)).map(node -> PromptNodes.channel(node.settings()))
                    .collect(Collectors.toSet());
        } catch (JsonProcessingException | IllegalArgumentException e) {
            return Set.of();
        }
    }

    private RunStream stream(PendingRun run) {
        return RunStream.of(frames, run.tenantId(), run.threadId(), run.id(), run.channel());
    }

    private Uni<Optional<RunStatus>> executePrompt(PendingRun run, Uni<Map<String, String>> resolvedVariables,
            Context trace, RunStop stop) {
        PromptConfig config = revision(run, PromptConfig.class);
        MemoryMode mode = MemoryMode.of(config.memory());
        RunStream stream = stream(run);
        // Only what the prompt itself causes fails the run; a database failure while reading variables or
        // memory propagates, and the request is retried. A stopped run ends failed with the reason as its error.
        return stop.guard(resolvedVariables
                        .chain(variables -> history(run, mode)
                                .chain(history -> prompts.run(config,
                                        new PromptInput(run.tenantId(), run.id(), run.threadId(), run.inputs(), variables,
                                                history, 0, stream.channel(run.channel()), trace)))))
                .onFailure(RunStoppedException.class).recoverWithItem(stopped -> {
                    metrics.stopped(((RunStoppedException) stopped).why().tag());
                    return new PromptResult(null, stopped.getMessage(), null, List.of(), List.of(), List.of(), List.of(),
                            RunCosts.Spend.NONE);
                })
                .chain(result -> {
                    Outcome outcome = outcome(result, mode);
                    if (result.failure() != null) {
                        LOG.infof("Run %s failed: %s", run.id(), result.failure());
                    }
                    return runs.finish(run.id(), outcome)
                            .invoke(stored -> stored.ifPresent(ignored -> {
                                metrics.cost(run.kind(), outcome.cost() instanceof RunCosts.RunCost cost ? cost : null);
                                end(stream, outcome.status(), result.failure());
                            }))
                            .chain(stored -> notify(run.id(), run.tenantId(), run.kind(), run.environment(),
                                    outcome.status(), stored, trace));
                });
    }

    private Uni<Optional<RunStatus>> executeWorkflow(PendingRun run, Uni<Map<String, String>> resolvedVariables,
            Context trace, RunStop stop) {
        RunStream stream = stream(run);
        return stop.guard(resolvedVariables
                        .chain(variables -> workflows.run(new WorkflowRun(run.id(), run.tenantId(), run.threadId(),
                                run.inputs(), variables, stream, trace), revision(run, WorkflowDefinition.class), prompts)))
                .onFailure(RunStoppedException.class).recoverWithItem(stopped -> {
                    metrics.stopped(((RunStoppedException) stopped).why().tag());
                    return WorkflowResult.failed(stopped.getMessage());
                })
                .onFailure(IllegalArgumentException.class).recoverWithItem(failure -> WorkflowResult.failed(failure.getMessage()))
                .chain(result -> runs.finishWorkflow(run.id(), result.status(), result.outputs(), result.errors(),
                                result.tokenUsage(), result.cost())
                        .invoke(stored -> stored.ifPresent(ignored -> {
                            metrics.cost(run.kind(), result.cost());
                            end(stream, result.status(), String.join("; ", result.errors()));
                        }))
                        .chain(stored -> notify(run.id(), run.tenantId(), run.kind(), run.environment(), result.status(),
                                stored, trace)));
    }

    /** The run's revision as its kind reads it; one that does not read never will. */
    private <T> T revision(PendingRun run, Class<T> type) {
        try {
            return json.readValue(run.config(), type);
        } catch (JsonProcessingException e) {
            throw new UnrunnableRunException(Reason.UNREADABLE_REVISION, "the run's " + run.kind().wireName()
                    + " revision cannot be read: " + e.getOriginalMessage());
        }
    }

    /**
     * Stores a run's end as failed with the reason as its error, by the same guarded writes as any outcome (so
     * the per-run envVars are purged and the lane's next run is handed on), then notifies as for any failed run.
     */
    private Uni<Optional<RunStatus>> abandon(UUID runId, UUID tenantId, RunKind kind, String environment,
            UnrunnableRunException why, RunStream stream, Context trace) {
        LOG.warnf("Run %s failed without executing: %s", runId, why.getMessage());
        Uni<Optional<RunStore.StoredOutcome>> stored = kind == RunKind.WORKFLOW
                ? runs.finishWorkflow(runId, RunStatus.FAILED, Map.of(), List.of(why.getMessage()), null, null)
                : runs.finish(runId, new Outcome(RunStatus.FAILED, null, why.getMessage(), null, null, List.of(),
                        List.of(), List.of()));
        return stored.invoke(outcome -> outcome.ifPresent(ignored -> {
                    metrics.abandoned(why.reason());
                    end(stream, RunStatus.FAILED, why.getMessage());
                }))
                .chain(outcome -> notify(runId, tenantId, kind, environment, RunStatus.FAILED, outcome, trace));
    }

    /** The run's last frames, once its outcome is stored: {@code error} is the run's error as reading it shows. */
    private static void end(RunStream stream, RunStatus status, String error) {
        if (status == RunStatus.COMPLETED) {
            stream.done();
        } else {
            stream.failed(FAILURE_CODE, error);
        }
    }

    private Uni<List<ChatMessage>> history(PendingRun run, MemoryMode mode) {
        return mode.reads() ? memory.history(run.threadId(), run.channel(), memoryWindow) : Uni.createFrom().item(List.of());
    }

    private Outcome outcome(PromptResult result, MemoryMode mode) {
        boolean completed = result.failure() == null;
        List<Remembered> remember = new ArrayList<>();
        if (completed && mode.writes()) {
            result.userMessages().forEach(text -> remember.add(new Remembered("user", text)));
            if (result.output() != null) {
                remember.add(new Remembered("assistant", result.output()));
            }
        }
        RunCosts.Spend spent = costs.spend(result.turns(), result.nested());
        return new Outcome(completed ? RunStatus.COMPLETED : RunStatus.FAILED, result.output(),
                completed ? result.lastAttemptError() : result.failure(), spent.usage(), spent.cost(),
                result.transcript(), result.emitted(), remember);
    }

    /** @return the stored end's status, once its notice is out; empty when this execution stored no end */
    private Uni<Optional<RunStatus>> notify(UUID runId, UUID tenantId, RunKind kind, String environment, RunStatus status,
            Optional<RunStore.StoredOutcome> stored, Context trace) {
        if (stored.isEmpty()) {
            return Uni.createFrom().item(Optional.empty());
        }
        var event = new RunFinished(runId, tenantId, kind, status, environment, stored.get().finishedAt());
        return finished.publish(event, trace)
                .chain(() -> runs.markNotified(runId))
                .chain(successor -> successor
                        .map(next -> requests.publish(next.event(), next.traceparent()))
                        .orElse(Uni.createFrom().voidItem()))
                .replaceWith(Optional.of(status));
    }
}
