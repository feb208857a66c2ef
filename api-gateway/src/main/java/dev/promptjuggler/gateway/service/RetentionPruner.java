package dev.promptjuggler.gateway.service;

import dev.promptjuggler.gateway.config.GatewayConfig;
import dev.promptjuggler.gateway.metrics.GatewayMetrics;
import dev.promptjuggler.gateway.metrics.GatewayMetrics.Pruned;
import dev.promptjuggler.gateway.persistence.RetentionRepository;
import dev.promptjuggler.gateway.persistence.RetentionRepository.TenantRetention;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import io.vertx.core.Vertx;
import jakarta.enterprise.event.Observes;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Prunes what tenants with a retention period ({@code PUT /manage/v1/retention}) no longer keep: runs, then threads
 * left without runs or memory, then the bytes of processed documents, each older than the tenant's days. Small
 * batches ({@code gateway.retention.batch}) with a pause between them ({@code gateway.retention.pause}), so the hot
 * tables are never held for long; every {@code gateway.retention.every} on every replica ({@code SKIP LOCKED}
 * shares the rows), one round at a time per replica. run-executor prunes its own tables on its own schedule.
 */
@ApplicationScoped
public class RetentionPruner {

    private static final Logger LOG = Logger.getLogger(RetentionPruner.class);

    private final RetentionRepository retention;
    private final GatewayMetrics metrics;
    private final GatewayConfig.Retention config;
    private final Vertx vertx;
    private final AtomicBoolean pruning = new AtomicBoolean();
    private long timer;

    public RetentionPruner(RetentionRepository retention, GatewayMetrics metrics, GatewayConfig config, Vertx vertx) {
        this.retention = retention;
        this.metrics = metrics;
        this.config = config.retention();
        this.vertx = vertx;
    }

    void start(@Observes StartupEvent event) {
        if (config.every().equalsIgnoreCase("off")) {
            return;
        }
        timer = vertx.setPeriodic(DurationConverter.parseDuration(config.every()).toMillis(), tick -> scheduled());
    }

    void stop(@Observes ShutdownEvent event) {
        vertx.cancelTimer(timer);
    }

    private void scheduled() {
        if (!pruning.compareAndSet(false, true)) {
            return;
        }
        prune().eventually(() -> pruning.set(false))
                .subscribe().with(pruned -> { }, failure -> LOG.warnf("pruning expired data failed: %s", failure));
    }

    /** One round over every tenant with a retention period; what was pruned, by kind. */
    public Uni<Map<Pruned, Integer>> prune() {
        Map<Pruned, Integer> pruned = new EnumMap<>(Pruned.class);
        return retention.tenants()
                .onItem().transformToMulti(tenants -> Multi.createFrom().iterable(tenants))
                .onItem().transformToUniAndConcatenate(tenant -> pruneTenant(tenant, pruned))
                .collect().last()
                .map(done -> {
                    if (!pruned.isEmpty()) {
                        LOG.infof("pruned expired data: %s", pruned);
                    }
                    return pruned;
                });
    }

    private Uni<Void> pruneTenant(TenantRetention tenant, Map<Pruned, Integer> pruned) {
        int batch = config.batch();
        return inBatches(Pruned.RUNS, pruned, () -> retention.pruneRuns(tenant.tenantId(), tenant.days(), batch))
                .chain(() -> inBatches(Pruned.THREADS, pruned,
                        () -> retention.pruneThreads(tenant.tenantId(), tenant.days(), batch)))
                .chain(() -> inBatches(Pruned.DOCUMENT_BYTES, pruned,
                        () -> retention.pruneDocumentBytes(tenant.tenantId(), tenant.days(), batch)));
    }

    /** Batches until one comes back short, pausing between them; each batch is counted once it committed. */
    private Uni<Void> inBatches(Pruned kind, Map<Pruned, Integer> pruned, Supplier<Uni<Integer>> batch) {
        return batch.get().chain(count -> {
            if (count > 0) {
                metrics.pruned(kind, count);
                pruned.merge(kind, count, Integer::sum);
            }
            if (count < config.batch()) {
                return Uni.createFrom().voidItem();
            }
            return Uni.createFrom().voidItem().onItem().delayIt().by(config.pause())
                    .chain(() -> inBatches(kind, pruned, batch));
        });
    }
}
