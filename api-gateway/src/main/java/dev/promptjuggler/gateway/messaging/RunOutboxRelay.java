package dev.promptjuggler.gateway.messaging;

import dev.promptjuggler.contracts.RunRequested;
import dev.promptjuggler.gateway.config.GatewayConfig;
import dev.promptjuggler.gateway.metrics.GatewayMetrics;
import dev.promptjuggler.gateway.persistence.RunOutbox;
import dev.promptjuggler.runtime.messaging.RunRequestPublisher;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Gets every accepted run's request onto its topic: the request path's own publish ({@link #publish}), and a
 * relay for the runs whose request that publish could not get acknowledged in time — the broker was down or
 * slow, or the gateway died right after the commit. The relay runs on every replica; leases on the outbox rows
 * keep replicas from publishing the same run at once. A request published twice is harmless: the executor's
 * claim lets one through.
 */
@ApplicationScoped
public class RunOutboxRelay {

    private static final Logger LOG = Logger.getLogger(RunOutboxRelay.class);
    /** Acknowledged runs leave the outbox in one statement per this interval, not one each. */
    private static final long ACKNOWLEDGE_EVERY_MS = 100;

    private final RunRequestPublisher publisher;
    private final RunOutbox outbox;
    private final GatewayConfig.Accept config;
    private final Vertx vertx;
    private final GatewayMetrics metrics;
    private final Queue<UUID> acknowledged = new ConcurrentLinkedQueue<>();
    /** Runs whose publish from this process has not completed: the relay leaves them to it. */
    private final Set<UUID> publishing = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean relaying = new AtomicBoolean();
    private long relayTimer;
    private long acknowledgeTimer;

    public RunOutboxRelay(RunRequestPublisher publisher, RunOutbox outbox, GatewayConfig config, Vertx vertx,
            GatewayMetrics metrics) {
        this.publisher = publisher;
        this.outbox = outbox;
        this.config = config.accept();
        this.vertx = vertx;
        this.metrics = metrics;
    }

    void start(@Observes StartupEvent event) {
        relayTimer = vertx.setPeriodic(config.relayEvery().toMillis(), timer -> relay());
        acknowledgeTimer = vertx.setPeriodic(ACKNOWLEDGE_EVERY_MS, timer -> removeAcknowledged().subscribe().with(
                done -> { }, failure -> LOG.warnf("removing acknowledged runs from the outbox failed: %s", failure)));
    }

    void stop(@Observes ShutdownEvent event) {
        // The timers go first: a relay started after the pool closed would only log its failure.
        vertx.cancelTimer(relayTimer);
        vertx.cancelTimer(acknowledgeTimer);
        // Best effort: what stays is published again by a relay, which is harmless.
        removeAcknowledged().await().atMost(Duration.ofSeconds(2));
    }

    /**
     * Publishes an accepted (committed) run's request and completes when the broker acknowledged it or after
     * {@code accept.publish-wait}, whichever comes first; never fails. An acknowledgement that comes later still
     * clears the run's outbox row; a publish that fails leaves the run to the relay.
     */
    public Uni<Void> publish(RunRequested run, String traceparent) {
        CompletableFuture<Void> sent = send(run, traceparent);
        return Uni.createFrom().completionStage(sent.copy())
                .ifNoItem().after(config.publishWait()).recoverWithItem(() -> null)
                .onFailure().recoverWithItem(failure -> {
                    LOG.debugf("publishing run %s failed (%s); the outbox relay takes it over", run.runId(), failure);
                    return null;
                });
    }

    private CompletableFuture<Void> send(RunRequested run, String traceparent) {
        publishing.add(run.runId());
        CompletableFuture<Void> sent;
        try {
            sent = publisher.publish(run, traceparent).subscribeAsCompletionStage();
        } catch (RuntimeException refused) {
            // An emitter that refuses at once must not turn an accepted run's answer into a 5xx.
            sent = CompletableFuture.failedFuture(refused);
        }
        sent.whenComplete((ok, failure) -> {
            publishing.remove(run.runId());
            if (failure == null) {
                acknowledged.add(run.runId());
            }
        });
        return sent;
    }

    private void relay() {
        if (!relaying.compareAndSet(false, true)) {
            return;
        }
        outbox.leaseDue(config.relayBatch(), config.relayLease())
                .eventually(() -> relaying.set(false))
                .subscribe().with(due -> {
                    int published = 0;
                    for (RunOutbox.DueRun run : due) {
                        if (!publishing.contains(run.request().runId())) {
                            send(run.request(), run.traceparent());
                            published++;
                        }
                    }
                    if (published > 0) {
                        metrics.relayed(published);
                        LOG.infof("relaying %d accepted run(s) whose request was not acknowledged in time", published);
                    }
                }, failure -> LOG.warnf("the run outbox relay could not read the outbox: %s", failure));
    }

    private Uni<Void> removeAcknowledged() {
        List<UUID> batch = new ArrayList<>();
        for (UUID id = acknowledged.poll(); id != null; id = acknowledged.poll()) {
            batch.add(id);
        }
        if (batch.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return outbox.acknowledge(batch).onFailure().invoke(failure -> acknowledged.addAll(batch));
    }
}
