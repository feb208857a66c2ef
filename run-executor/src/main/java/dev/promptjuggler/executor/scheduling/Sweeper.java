package dev.promptjuggler.executor.scheduling;

import dev.promptjuggler.executor.messaging.RunFinishedPublisher;
import dev.promptjuggler.executor.messaging.RunRequestPublisher;
import dev.promptjuggler.executor.persistence.RunLeaseStore;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Takes up what no event will bring back: runs whose worker died (lease expired) or whose request never
 * reached the broker go back on their priority's topic, and finished runs whose notice was never
 * acknowledged get it again (same event id, stored outcome). Every replica sweeps; {@code FOR UPDATE SKIP
 * LOCKED} shares the rows between them. A run published twice is harmless: the claim lets one through.
 */
@ApplicationScoped
public class Sweeper {

    private static final Logger LOG = Logger.getLogger(Sweeper.class);

    private final RunLeaseStore leases;
    private final RunRequestPublisher requests;
    private final RunFinishedPublisher notices;

    public Sweeper(RunLeaseStore leases, RunRequestPublisher requests, RunFinishedPublisher notices) {
        this.leases = leases;
        this.requests = requests;
        this.notices = notices;
    }

    @Scheduled(every = "${executor.sweeper.every:10s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return sweep().onFailure().recoverWithItem(failure -> {
            LOG.warnf("sweeping runs failed: %s", failure.toString());
            return null;
        }).replaceWithVoid();
    }

    /** One sweep: re-queued runs, then re-sent notices. */
    public Uni<Sweep> sweep() {
        return leases.requeue(all(requests::publish))
                .invoke(count -> {
                    if (count > 0) {
                        LOG.infof("re-queued %d run(s) whose lease expired or that were never claimed", count);
                    }
                })
                .chain(requeued -> leases.renotify(all(notices::publish))
                        .invoke(count -> {
                            if (count > 0) {
                                LOG.infof("re-published the finished notice of %d run(s)", count);
                            }
                        })
                        .map(renotified -> new Sweep(requeued, renotified)));
    }

    private static <T> Function<List<T>, Uni<Void>> all(Function<T, Uni<Void>> publish) {
        return items -> Uni.join().all(items.stream().map(publish).toList()).andFailFast().replaceWithVoid();
    }

    public record Sweep(int requeued, int renotified) {
    }
}
