package dev.promptjuggler.executor.scheduling;

import dev.promptjuggler.contracts.Priority;
import dev.promptjuggler.executor.config.ExecutorConfig;
import dev.promptjuggler.executor.persistence.RunLeaseStore;
import dev.promptjuggler.executor.persistence.RunLeaseStore.ClaimedRun;
import dev.promptjuggler.executor.scheduling.SlotAdmission.Claim;
import dev.promptjuggler.executor.service.RunExecutionService;
import dev.promptjuggler.executor.service.RunStop;
import dev.promptjuggler.executor.service.RunStops;
import dev.promptjuggler.runtime.lifecycle.Drain;
import dev.promptjuggler.executor.metrics.ExecutorMetrics;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * Starts the runs {@link SlotAdmission} lets through: claims them in PostgreSQL (a lease, one statement per
 * {@link Claim}), settles their records, executes the claimed ones, and gives the slot back when a run ends. A run
 * is in {@link #running()} (its lease heartbeated) from its claim until it ends.
 *
 * <p>Each run is a span from its record's arrival to its end (the wait for a slot included), continuing the trace
 * of the record's publisher, with its claim as a child span and everything it executes under it.
 */
@ApplicationScoped
public class RunStarter {

    private static final Logger LOG = Logger.getLogger(RunStarter.class);
    private static final Duration RETRY_MIN = Duration.ofMillis(500);
    private static final Duration RETRY_MAX = Duration.ofSeconds(30);
    private static final int EXECUTE_RETRIES = 5;

    private final RunExecutionService executions;
    private final RunStops stops;
    private final RunLeaseStore leases;
    private final SlotAdmission<WaitingRun> admission;
    private final Duration drain;
    private final ExecutorMetrics metrics;
    private final Vertx vertx;
    private final Tracer tracer;
    private final Set<UUID> running = ConcurrentHashMap.newKeySet();
    private volatile boolean active = true;

    public RunStarter(RunExecutionService executions, RunStops stops, RunLeaseStore leases, ExecutorConfig config,
            ExecutorMetrics metrics, Vertx vertx, Tracer tracer) {
        this.executions = executions;
        this.stops = stops;
        this.tracer = tracer;
        this.leases = leases;
        this.admission = new SlotAdmission<>(SlotAdmission.Limits.of(config), System::nanoTime);
        this.drain = config.lease().drain();
        this.metrics = metrics;
        this.vertx = vertx;
        metrics.scheduling(this::inFlight, this::waiting, admission::lowerWorkLimit);
    }

    /**
     * Nothing new starts; the runs in flight get {@code executor.lease.drain} to finish, and the leases of those
     * still running after it are released, so that another worker takes them up at its next sweep rather than
     * after their leases expire.
     */
    void stop(@Observes ShutdownEvent event) throws InterruptedException {
        active = false;
        Drain.await(running::isEmpty, drain);
        List<UUID> unfinished = running();
        if (!unfinished.isEmpty()) {
            int released = leases.release(unfinished).await().atMost(Duration.ofSeconds(5));
            LOG.infof("stopping with %d run(s) in flight after %s: released %d lease(s) for another worker",
                    unfinished.size(), drain, released);
        }
    }

    /** Queues a fetched run; it starts at a {@link #dispatch()} that finds it a slot. */
    void queue(WaitingRun run) {
        admission.add(run.priority(), run);
    }

    /** Drops waiting runs, e.g. those of partitions this worker no longer owns. */
    void drop(Predicate<WaitingRun> filter) {
        admission.removeIf(filter);
    }

    /** Runs this worker fetched that wait for a slot. */
    public int waiting(Priority priority) {
        return admission.waiting(priority);
    }

    /** Runs this worker claimed (or is claiming) and has not finished. */
    public int inFlight() {
        return admission.inFlight();
    }

    /** The runs this worker holds the lease of. */
    List<UUID> running() {
        return List.copyOf(running);
    }

    /** Starts the claim statements the free slots allow. Called on new runs, and whenever a claim or a run ends. */
    void dispatch() {
        admission.admit().forEach(this::claim);
    }

    private void claim(Claim<WaitingRun> claim) {
        List<UUID> runIds = claim.runs().stream().map(waiting -> waiting.request().runId()).toList();
        List<Span> runSpans = claim.runs().stream().map(this::runSpan).toList();
        List<Span> claimSpans = runSpans.stream()
                .map(run -> tracer.spanBuilder("claim").setParent(Context.root().with(run)).startSpan()).toList();
        leases.claim(runIds)
                .onFailure(failure -> active).retry().withBackOff(RETRY_MIN, RETRY_MAX).indefinitely()
                .subscribe().with(claimed -> {
                    int started = 0;
                    for (int i = 0; i < claim.runs().size(); i++) {
                        WaitingRun waiting = claim.runs().get(i);
                        waiting.settle();
                        // remove: a request delivered twice into one claim runs once.
                        ClaimedRun run = claimed.remove(waiting.request().runId());
                        claimSpans.get(i).setAttribute("promptjuggler.claimed", run != null).end();
                        if (run == null) {
                            LOG.debugf("run %s is finished, held by another worker or waits for its lane; nothing to do",
                                    waiting.request().runId());
                            runSpans.get(i).end();
                        } else {
                            started++;
                            Instant now = Instant.now();
                            metrics.claimed(waiting.priority(), Duration.between(waiting.request().acceptedAt(), now));
                            if (waiting.priority() == Priority.ONSITE) {
                                admission.onsiteWaited(Duration.between(waiting.publishedAt(), now));
                            }
                            execute(waiting, run, runSpans.get(i));
                        }
                    }
                    admission.claimed(claim, started);
                    if (active) {
                        dispatch();
                    }
                }, failure -> {
                    // Only when shutting down: the records stay unsettled and are redelivered.
                    LOG.warnf("claiming %d run(s) failed: %s", claim.runs().size(), failure.toString());
                    claimSpans.forEach(Span::end);
                    runSpans.forEach(Span::end);
                    admission.claimed(claim, 0);
                });
    }

    /** A run's span, started when its record arrived, under the span that published the record. */
    private Span runSpan(WaitingRun waiting) {
        return tracer.spanBuilder(waiting.priority().topic() + " process")
                .setParent(waiting.publisher())
                .setSpanKind(SpanKind.CONSUMER)
                .setStartTimestamp(waiting.receivedAt())
                .setAttribute("messaging.system", "kafka")
                .setAttribute("messaging.operation.type", "process")
                .setAttribute("messaging.destination.name", waiting.priority().topic())
                .setAttribute("promptjuggler.run.id", waiting.request().runId().toString())
                .setAttribute("promptjuggler.run.kind", waiting.request().kind().wireName())
                .startSpan();
    }

    /**
     * Executes a claimed run on a Vert.x context of its own, whose MDC carries the run's tenant and id: every line
     * logged while handling it (on that context's callbacks: database, provider and tool calls) names them. From its
     * start to its end the run can be stopped ({@link RunStops}): by a cancel request, or by its deadline.
     */
    private void execute(WaitingRun waiting, ClaimedRun claimed, Span span) {
        UUID runId = waiting.request().runId();
        Context trace = Context.root().with(span);
        running.add(runId);
        long claimedAt = System.nanoTime();
        VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext()).runOnContext(ignored -> {
            MDC.put("tenantId", waiting.request().tenantId().toString());
            MDC.put("runId", runId.toString());
            RunStop stop = stops.started(runId, claimed.run().timeout());
            // Provider failures end as failed runs inside execute(); what fails here is infrastructure. A retry
            // reads the run again (its outcome may be stored already); after a few tries the run is left to its
            // lease and the sweeper.
            AtomicBoolean first = new AtomicBoolean(true);
            Uni.createFrom().deferred(() -> first.getAndSet(false)
                            ? executions.execute(claimed, trace, stop) : executions.execute(waiting.request(), trace, stop))
                    .onFailure().invoke(failure -> LOG.warnf("run %s: %s; retrying", runId, failure.getMessage()))
                    .onFailure(failure -> active).retry().withBackOff(RETRY_MIN, RETRY_MAX).atMost(EXECUTE_RETRIES)
                    .subscribe().with(status -> {
                        status.ifPresent(ended -> metrics.finished(waiting.request().kind(), waiting.priority(), ended,
                                Duration.ofNanos(System.nanoTime() - claimedAt)));
                        end(waiting, span);
                    }, failure -> {
                        LOG.errorf("run %s left to the sweeper: %s", runId, failure.toString());
                        span.setStatus(StatusCode.ERROR, "left to the sweeper");
                        end(waiting, span);
                    });
        });
    }

    private void end(WaitingRun waiting, Span span) {
        span.end();
        stops.ended(waiting.request().runId());
        running.remove(waiting.request().runId());
        admission.ended(waiting.priority());
        if (active) {
            dispatch();
        }
    }
}
