package dev.promptjuggler.executor.service;

import dev.promptjuggler.contracts.RunFinished;
import dev.promptjuggler.contracts.RunKind;
import dev.promptjuggler.contracts.RunRequested;
import dev.promptjuggler.contracts.RunStatus;
import dev.promptjuggler.executor.messaging.RunFinishedPublisher;
import dev.promptjuggler.executor.persistence.RunStore;
import dev.promptjuggler.executor.persistence.RunStore.PendingRun;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Executes one requested run: provider call, then the outcome is committed, then {@code runs.finished}
 * is published (result before notice), then the run is marked notified.
 */
@ApplicationScoped
public class RunExecutionService {

    private static final Logger LOG = Logger.getLogger(RunExecutionService.class);

    private final RunStore runs;
    private final PromptRunner prompts;
    private final RunFinishedPublisher finished;
    private final EnvironmentResolver environment;

    public RunExecutionService(RunStore runs, PromptRunner prompts, RunFinishedPublisher finished,
            EnvironmentResolver environment) {
        this.environment = environment;
        this.runs = runs;
        this.prompts = prompts;
        this.finished = finished;
    }

    public Uni<Void> execute(RunRequested request) {
        return runs.find(request.runId()).chain(found -> {
            if (found.isEmpty()) {
                LOG.warnf("Run %s was requested but has no record; ignoring the request", request.runId());
                return Uni.createFrom().voidItem();
            }
            PendingRun run = found.get();
            if (!run.pending()) {
                LOG.debugf("Run %s already finished; ignoring a repeated request", run.id());
                return Uni.createFrom().voidItem();
            }
            if (run.kind() == RunKind.WORKFLOW) {
                return runs.failWorkflow(run.id(), "workflow runs are not supported by this deployment yet")
                        .chain(stored -> notify(run, RunStatus.FAILED, stored));
            }
            // Only what the prompt itself causes fails the run; a database failure while reading the
            // variables propagates, and the request is retried.
            return environment.variables(run.tenantId(), run.id(), run.environment())
                    .chain(variables -> prompts.run(runs.promptConfig(run), run.inputs(), variables)
                            .onItemOrFailure().transformToUni((completion, failure) -> failure == null
                                    ? runs.complete(run.id(), completion.output(), completion.tokenUsage(),
                                                    List.of(new TranscriptText(completion.output())))
                                            .chain(stored -> notify(run, RunStatus.COMPLETED, stored))
                                    : runs.fail(run.id(), describe(run, failure))
                                            .chain(stored -> notify(run, RunStatus.FAILED, stored))));
        });
    }

    private Uni<Void> notify(PendingRun run, RunStatus status, Optional<RunStore.StoredOutcome> stored) {
        if (stored.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        var event = new RunFinished(run.id(), run.tenantId(), run.kind(), status, run.environment(),
                stored.get().finishedAt());
        return finished.publish(event).chain(() -> runs.markNotified(run.id()));
    }

    private static String describe(PendingRun run, Throwable failure) {
        LOG.infof("Run %s failed: %s", run.id(), failure.getMessage());
        return failure.getMessage() != null ? failure.getMessage() : failure.getClass().getSimpleName();
    }

    /** The SDK's {@code TranscriptText}: the model's answer as the transcript's one item. */
    public record TranscriptText(String type, String content, List<Object> citations) {
        TranscriptText(String content) {
            this("text", content, List.of());
        }
    }
}
