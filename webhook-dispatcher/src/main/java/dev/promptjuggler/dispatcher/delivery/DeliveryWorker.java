package dev.promptjuggler.dispatcher.delivery;

import dev.promptjuggler.dispatcher.client.AttemptResult;
import dev.promptjuggler.dispatcher.client.WebhookClient;
import dev.promptjuggler.dispatcher.config.DispatcherConfig;
import dev.promptjuggler.dispatcher.metrics.DispatcherMetrics;
import dev.promptjuggler.dispatcher.persistence.DeliveryQueue;
import dev.promptjuggler.dispatcher.persistence.DeliveryQueue.Success;
import dev.promptjuggler.dispatcher.persistence.RetentionStore;
import dev.promptjuggler.runtime.health.Heartbeat;
import dev.promptjuggler.runtime.lifecycle.Drain;
import dev.promptjuggler.runtime.persistence.GroupCommit;
import dev.promptjuggler.runtime.tracing.TraceParent;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * Takes due deliveries from the queue and attempts them. Woken right after a fan-out commits (so first
 * attempts do not wait for a poll), after every finished attempt, and by a periodic poll for retries.
 * Also runs the lease sweeper and the history pruner.
 */
@ApplicationScoped
public class DeliveryWorker {

    private static final Logger LOG = Logger.getLogger(DeliveryWorker.class);
    private static final int PRUNE_BATCH = 5_000;
    private static final int MAX_GROUP = 500;

    private final DeliveryQueue queue;
    private final RetentionStore retention;
    private final WebhookClient client;
    private final DispatcherConfig config;
    private final Vertx vertx;
    private final FailurePolicy policy;
    private final EndpointRateLimiter rateLimiter;
    private final DispatcherMetrics metrics;
    private final Heartbeat pollLoop;
    private final Heartbeat sweepLoop;
    private final Tracer tracer;

    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicBoolean claiming = new AtomicBoolean();
    private final AtomicBoolean wanted = new AtomicBoolean();
    private final List<Long> timers = new CopyOnWriteArrayList<>();
    private final GroupCommit<Success, Void> successes;
    private volatile boolean running;
    /** Whether the last claim found due deliveries. */
    private volatile boolean backlog;
    /**
     * Recorded attempts that each look for due work at once. An endpoint's slot frees when an attempt to it is
     * recorded, and a claim before that finds nothing for it however much of its work is due: so the attempts in
     * flight when a fan-out left work queued, and every claimed one, owe a claim when recorded. A claim that finds
     * nothing adds nothing, so the owing ends a limit's worth of attempts after the due work does.
     */
    private final AtomicInteger claimsOnRecord = new AtomicInteger();

    public DeliveryWorker(DeliveryQueue queue, RetentionStore retention, WebhookClient client, DispatcherConfig config,
            Vertx vertx, DispatcherMetrics metrics, Tracer tracer) {
        this.tracer = tracer;
        this.queue = queue;
        this.retention = retention;
        this.client = client;
        this.config = config;
        this.vertx = vertx;
        this.metrics = metrics;
        // A loop is taken for stopped (liveness DOWN) after ten of its periods without a turn, at least 10 s.
        this.pollLoop = new Heartbeat("poll", silence(config.queue().pollInterval()));
        this.sweepLoop = new Heartbeat("sweep", silence(config.queue().sweepInterval()));
        this.successes = GroupCommit.of(MAX_GROUP, queue::recordSuccesses);
        if (config.queue().lease().compareTo(config.requestTimeout()) <= 0) {
            throw new IllegalStateException("dispatcher.queue.lease (" + config.queue().lease() + ") must exceed"
                    + " dispatcher.request-timeout (" + config.requestTimeout() + "), or attempts still running"
                    + " would be handed to another dispatcher");
        }
        this.policy = new FailurePolicy(new RetrySchedule(config.retry().schedule(), config.retry().jitter(),
                () -> ThreadLocalRandom.current().nextDouble()), config.circuit().failureThreshold(),
                config.circuit().firstProbeAfter(), config.circuit().maxProbeInterval(), config.circuit().disableAfter(),
                config.retry().maxRetryAfter());
        this.rateLimiter = new EndpointRateLimiter(config.limits().ratePerEndpoint());
        metrics.inFlight(inFlight::get);
    }

    private static Duration silence(Duration period) {
        Duration tenPeriods = period.multipliedBy(10);
        return tenPeriods.compareTo(Duration.ofSeconds(10)) < 0 ? Duration.ofSeconds(10) : tenPeriods;
    }

    /** The retry poll's and the lease sweeper's signs of life, for liveness. */
    public List<Heartbeat> loops() {
        return List.of(pollLoop, sweepLoop);
    }

    void start(@Observes StartupEvent startup) {
        running = true;
        pollLoop.beat();
        sweepLoop.beat();
        timers.add(vertx.setPeriodic(config.queue().pollInterval().toMillis(), id -> {
            pollLoop.beat();
            kick();
        }));
        timers.add(vertx.setPeriodic(config.queue().sweepInterval().toMillis(), id -> {
            sweepLoop.beat();
            sweep();
        }));
        timers.add(vertx.setPeriodic(config.retention().pruneInterval().toMillis(), id -> prune()));
        kick();
    }

    void stop(@Observes ShutdownEvent shutdown) throws InterruptedException {
        // Nothing new is claimed; the attempts in flight get dispatcher.queue.drain to be answered and recorded.
        running = false;
        timers.forEach(vertx::cancelTimer);
        if (!Drain.await(() -> inFlight.get() == 0, config.queue().drain())) {
            LOG.infof("stopping with %d attempt(s) in flight after %s; each is sent again after its lease",
                    inFlight.get(), config.queue().drain());
        }
    }

    /**
     * Reserves room for up to {@code wanted} attempts in this process, for a fan-out to lease its
     * deliveries directly. Give back what is not used with {@link #started}.
     *
     * @return how many may be leased
     */
    public int reserve(int wanted) {
        while (true) {
            int current = inFlight.get();
            int granted = Math.max(0, Math.min(wanted, config.queue().maxInFlight() - current));
            if (!running) {
                return 0;
            }
            if (inFlight.compareAndSet(current, current + granted)) {
                return granted;
            }
        }
    }

    /**
     * Sends the deliveries a fan-out leased to this process, and returns the unused part of its
     * reservation; when others were left queued, claims them.
     */
    public void started(int reserved, List<ClaimedDelivery> leased, boolean queuedOthers) {
        inFlight.addAndGet(leased.size() - reserved);
        leased.forEach(this::deliverWhenAllowed);
        if (queuedOthers) {
            claimsOnRecord.accumulateAndGet(inFlight.get(), Math::max);
            kick();
        }
    }

    /** Looks for due deliveries now; cheap to call often, since claims never overlap in one process. */
    public void kick() {
        wanted.set(true);
        if (!running || !claiming.compareAndSet(false, true)) {
            return;
        }
        wanted.set(false);
        int capacity = config.queue().maxInFlight() - inFlight.get();
        if (capacity <= 0) {
            claiming.set(false);
            return;
        }
        queue.claim(capacity, config.limits().maxInFlightPerEndpoint(), config.limits().endpointsPerClaim(),
                        config.queue().lease())
                .subscribe().with(claimed -> {
                    inFlight.addAndGet(claimed.size());
                    claimsOnRecord.addAndGet(claimed.size());
                    backlog = !claimed.isEmpty();
                    claiming.set(false);
                    claimed.forEach(this::deliverWhenAllowed);
                    if (claimed.size() == capacity || wanted.get()) {
                        kick();
                    }
                }, failure -> {
                    claiming.set(false);
                    LOG.warnf("Claiming deliveries failed: %s", failure.toString());
                });
    }

    private void deliverWhenAllowed(ClaimedDelivery delivery) {
        long waitMs = rateLimiter.reserve(delivery.endpointId(), System.nanoTime());
        if (waitMs == 0) {
            deliver(delivery);
        } else {
            vertx.setTimer(waitMs, id -> deliver(delivery));
        }
    }

    /**
     * Attempts a delivery on a Vert.x context of its own, whose MDC carries its tenant and id: every line logged
     * while handling it (on that context's callbacks: the request, the recording) names them.
     */
    private void deliver(ClaimedDelivery delivery) {
        VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext()).runOnContext(ignored -> {
            MDC.put("tenantId", delivery.tenantId().toString());
            MDC.put("deliveryId", delivery.id().toString());
            attempt(delivery)
                    .subscribe().with(done -> {
                    }, failure -> {
                        // The attempt was made but not recorded; the lease expires and the sweeper requeues it.
                        LOG.warnf("Recording the attempt of delivery %s failed: %s", delivery.id(), failure.toString());
                    });
        });
    }

    /**
     * An answered attempt frees its slot in this process; recording the answer does not hold it, or a slow
     * database would throttle sending.
     */
    private void answered() {
        inFlight.decrementAndGet();
    }

    /**
     * A recorded attempt frees its endpoint's slot: the delivery was leased until then, and counted against its
     * endpoint's limit. Claiming again at once pays only while due work waits: when the last claim found some
     * (then a batch's worth of free slots is refilled right away), and for the attempts owed a claim because a
     * fan-out queued work behind their endpoints ({@link #claimsOnRecord}), so that an endpoint at its limit gets
     * its next deliveries as its attempts are recorded, not at the next poll. Otherwise new work arrives through
     * fan-outs, which lease it directly, and retries through the poll.
     */
    private void recorded() {
        boolean owed = claimsOnRecord.getAndUpdate(owing -> Math.max(0, owing - 1)) > 0;
        int held = inFlight.get();
        int free = config.queue().maxInFlight() - held;
        if (owed || backlog && (free >= Math.max(1, config.queue().maxInFlight() / 8) || held == 0)) {
            kick();
        }
    }

    /**
     * One attempt, a span under its event's fan-out whose {@code traceparent} the request carries, so the
     * receiver can continue the trace that began with the request that caused the event.
     */
    private Uni<Void> attempt(ClaimedDelivery delivery) {
        Span span = tracer.spanBuilder("webhook delivery")
                .setParent(TraceParent.context(delivery.traceparent()))
                .setSpanKind(SpanKind.CLIENT)
                .setAttribute("http.request.method", "POST")
                .setAttribute("promptjuggler.endpoint.id", delivery.endpointId().toString())
                .setAttribute("promptjuggler.delivery.id", delivery.id().toString())
                .setAttribute("promptjuggler.delivery.attempt", delivery.attempt())
                .setAttribute("cloudevents.event_id", delivery.eventId().toString())
                .setAttribute("cloudevents.event_type", delivery.eventType())
                .startSpan();
        // Signed per attempt: the timestamp must be fresh for receivers' replay window.
        String signature = WebhookSigner.signatureHeader(delivery.secrets(), Instant.now().getEpochSecond(),
                delivery.payload());
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(WebhookSigner.HEADER, signature);
        headers.put("PromptJuggler-Event", delivery.eventType());
        headers.put("PromptJuggler-Event-Id", delivery.eventId().toString());
        headers.put("PromptJuggler-Delivery-Id", delivery.id().toString());
        headers.put("PromptJuggler-Attempt", Integer.toString(delivery.attempt()));
        if (delivery.revision() != null) {
            headers.put(RunRevision.ID_HEADER, delivery.revision().id().toString());
            headers.put(RunRevision.VERSION_HEADER, delivery.revision().versionHeader());
        }
        TraceParent.headers(Context.root().with(span)).forEach(header -> headers.put(header.getKey(), header.getValue()));
        return client.post(delivery.url(), headers, delivery.payload())
                .invoke(result -> {
                    if (result.statusCode() != null) {
                        span.setAttribute("http.response.status_code", result.statusCode());
                    }
                    if (!result.succeeded()) {
                        span.setAttribute("error.type", result.errorClass());
                        span.setStatus(StatusCode.ERROR);
                    }
                    span.end();
                    metrics.attempted(delivery, result);
                    answered();
                })
                .chain(result -> result.succeeded() ? recordSuccess(delivery, result) : recordFailure(delivery, result))
                .invoke(this::recorded);
    }

    /**
     * Successes are written in groups: while one group commits, the next collects, so a busy dispatcher
     * pays one commit per group instead of one per delivery, and an idle one waits for no timer.
     */
    private Uni<Void> recordSuccess(ClaimedDelivery delivery, AttemptResult result) {
        return successes.submit(new Success(delivery, result));
    }

    private Uni<Void> recordFailure(ClaimedDelivery delivery, AttemptResult result) {
        return queue.recordFailure(delivery, result, policy)
                .invoke(decision -> {
                    if (decision.delivery() == FailurePolicy.Outcome.FAILED) {
                        metrics.failed(result.errorClass(), 1);
                    }
                    if (decision.endpointDisabled()) {
                        LOG.infof("Endpoint %s is disabled after delivery %s: %s", delivery.endpointId(), delivery.id(),
                                result.error());
                    }
                })
                .replaceWithVoid();
    }

    private void sweep() {
        queue.sweep(config.queue().maxClaims()).subscribe().with(swept -> {
            if (!swept.abandoned().isEmpty()) {
                metrics.abandoned(swept.abandoned().size());
                LOG.warnf("Failed %d deliveries leased %d times without a recorded attempt (abandoned): %s",
                        swept.abandoned().size(), config.queue().maxClaims(), swept.abandoned());
            }
            if (swept.requeued() > 0) {
                LOG.infof("Returned %d deliveries with expired leases to the queue", swept.requeued());
                kick();
            }
        }, failure -> LOG.warnf("Sweeping expired leases failed: %s", failure.toString()));
    }

    private void prune() {
        retention.failOrphans().subscribe().with(failed -> {
            if (failed > 0) {
                metrics.failed("endpoint_deleted", failed);
                LOG.infof("Gave up %d deliveries whose endpoint was deleted", failed);
            }
        }, failure -> LOG.warnf("Failing deliveries of deleted endpoints failed: %s", failure.toString()));
        retention.prune(config.retention().deliveries(), PRUNE_BATCH).subscribe().with(deleted -> {
            if (deleted == PRUNE_BATCH) {
                prune();
            }
        }, failure -> LOG.warnf("Pruning delivery history failed: %s", failure.toString()));
    }
}
