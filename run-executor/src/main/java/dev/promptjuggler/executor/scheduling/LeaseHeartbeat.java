package dev.promptjuggler.executor.scheduling;

import dev.promptjuggler.executor.config.ExecutorConfig;
import dev.promptjuggler.executor.persistence.RunLeaseStore;
import dev.promptjuggler.executor.service.RunStops;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.Scheduler;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Extends the leases of the runs this worker executes, every {@code executor.lease.heartbeat}, so that only a
 * worker that stopped loses its runs to the sweeper. The same statement tells which of them a caller cancelled: a
 * run whose announcement on {@code runs.cancel} never reached this worker is stopped here, at the latest one
 * heartbeat after its cancel.
 */
@ApplicationScoped
public class LeaseHeartbeat {

    private static final Logger LOG = Logger.getLogger(LeaseHeartbeat.class);

    private final RunLeaseStore leases;
    private final RunStarter starter;
    private final RunStops stops;
    private final ExecutorConfig.Lease config;

    public LeaseHeartbeat(RunLeaseStore leases, RunStarter starter, RunStops stops, ExecutorConfig config) {
        this.leases = leases;
        this.starter = starter;
        this.stops = stops;
        this.config = config.lease();
    }

    void schedule(@Observes StartupEvent event, Scheduler scheduler) {
        scheduler.newJob("executor.lease.heartbeat").setInterval(config.heartbeat().toString())
                .setConcurrentExecution(Scheduled.ConcurrentExecution.SKIP)
                .setAsyncTask(execution -> beat())
                .schedule();
    }

    Uni<Void> beat() {
        List<UUID> running = starter.running();
        return leases.heartbeat(running).invoke(cancelled -> cancelled.forEach(stops::cancel)).replaceWithVoid()
                .onFailure().recoverWithItem(failure -> {
            LOG.warnf("extending the leases of %d run(s) failed: %s", running.size(), failure.toString());
            return null;
        });
    }
}
