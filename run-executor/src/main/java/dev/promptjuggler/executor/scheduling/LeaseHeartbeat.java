package dev.promptjuggler.executor.scheduling;

import dev.promptjuggler.executor.config.ExecutorConfig;
import dev.promptjuggler.executor.persistence.RunLeaseStore;
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
 * worker that stopped loses its runs to the sweeper.
 */
@ApplicationScoped
public class LeaseHeartbeat {

    private static final Logger LOG = Logger.getLogger(LeaseHeartbeat.class);

    private final RunLeaseStore leases;
    private final RunStarter starter;
    private final ExecutorConfig.Lease config;

    public LeaseHeartbeat(RunLeaseStore leases, RunStarter starter, ExecutorConfig config) {
        this.leases = leases;
        this.starter = starter;
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
        return leases.heartbeat(running).onFailure().recoverWithItem(failure -> {
            LOG.warnf("extending the leases of %d run(s) failed: %s", running.size(), failure.toString());
            return null;
        });
    }
}
