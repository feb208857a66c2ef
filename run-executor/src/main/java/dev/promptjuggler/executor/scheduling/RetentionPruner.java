package dev.promptjuggler.executor.scheduling;

import dev.promptjuggler.executor.config.ExecutorConfig;
import dev.promptjuggler.executor.metrics.ExecutorMetrics;
import dev.promptjuggler.executor.metrics.ExecutorMetrics.Pruned;
import dev.promptjuggler.executor.persistence.RetentionStore;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.Scheduler;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Prunes run-executor's rows that tenants with a retention period no longer keep: thread memory older than the
 * tenant's days (the gateway removes a thread only once it has none). Small batches
 * ({@code executor.retention.batch}) with a pause between them ({@code executor.retention.pause}); every
 * {@code executor.retention.every} on every replica ({@code SKIP LOCKED} shares the rows). The states and workflow
 * node results of runs go with the runs, in api-gateway's retention ({@code executor.forget_runs}).
 */
@ApplicationScoped
public class RetentionPruner {

    private static final Logger LOG = Logger.getLogger(RetentionPruner.class);

    private final RetentionStore store;
    private final ExecutorMetrics metrics;
    private final ExecutorConfig.Retention config;

    public RetentionPruner(RetentionStore store, ExecutorMetrics metrics, ExecutorConfig config) {
        this.store = store;
        this.metrics = metrics;
        this.config = config.retention();
    }

    void schedule(@Observes StartupEvent event, Scheduler scheduler) {
        if (config.every().equalsIgnoreCase("off")) {
            return;
        }
        scheduler.newJob("executor.retention").setInterval(config.every())
                .setConcurrentExecution(Scheduled.ConcurrentExecution.SKIP)
                .setAsyncTask(execution -> prune().onFailure().recoverWithItem(failure -> {
                    LOG.warnf("pruning expired data failed: %s", failure.toString());
                    return null;
                }).replaceWithVoid())
                .schedule();
    }

    /** One round; what was pruned, by kind. */
    public Uni<Map<Pruned, Integer>> prune() {
        Map<Pruned, Integer> pruned = new EnumMap<>(Pruned.class);
        return store.anyTenantLimited().chain(limited -> !limited ? Uni.createFrom().voidItem()
                        : inBatches(pruned, Pruned.MEMORY, () -> store.pruneMemory(config.batch())))
                .map(done -> {
                    if (!pruned.isEmpty()) {
                        LOG.infof("pruned expired data: %s", pruned);
                    }
                    return pruned;
                });
    }

    /** Batches of {@code kind} until one comes back short, pausing between them; each counted once committed. */
    private Uni<Void> inBatches(Map<Pruned, Integer> pruned, Pruned kind, Supplier<Uni<Integer>> batch) {
        return batch.get().chain(count -> {
            if (count > 0) {
                metrics.pruned(kind, count);
                pruned.merge(kind, count, Integer::sum);
            }
            if (count < config.batch()) {
                return Uni.createFrom().voidItem();
            }
            return Uni.createFrom().voidItem().onItem().delayIt().by(config.pause())
                    .chain(() -> inBatches(pruned, kind, batch));
        });
    }
}
