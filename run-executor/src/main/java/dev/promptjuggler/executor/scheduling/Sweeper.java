package dev.promptjuggler.executor.scheduling;

import dev.promptjuggler.executor.messaging.RunFinishedPublisher;
import dev.promptjuggler.executor.persistence.RunLeaseStore;
import dev.promptjuggler.executor.service.RunExecutionService;
import dev.promptjuggler.executor.config.ExecutorConfig;
import dev.promptjuggler.executor.metrics.ExecutorMetrics;
import io.quarkus.runtime.StartupEvent;
import dev.promptjuggler.runtime.messaging.RunRequestPublisher;
import dev.promptjuggler.runtime.tracing.TraceParent;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.Scheduler;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Takes up what no event will bring back: runs whose worker died (lease expired) or whose request never
 * reached the broker go back on their priority's topic, and finished runs whose notice was never
 * acknowledged get it again (same event id, stored outcome). Runs that used up their claims
 * ({@code executor.max-claims}) are not put back but ended failed, so a run that kills its worker cannot
 * loop for ever. Every replica sweeps; {@code FOR UPDATE SKIP LOCKED} shares the rows between them. A run
 * published twice is harmless: the claim lets one through.
 */
@ApplicationScoped
public class Sweeper {

    private static final Logger LOG = Logger.getLogger(Sweeper.class);

    private final RunLeaseStore leases;
    private final RunRequestPublisher requests;
    private final RunFinishedPublisher notices;
    private final RunExecutionService executions;
    private final ExecutorMetrics metrics;
    private final String every;

    public Sweeper(RunLeaseStore leases, RunRequestPublisher requests, RunFinishedPublisher notices,
            RunExecutionService executions, ExecutorConfig config, ExecutorMetrics metrics) {
        this.metrics = metrics;
        this.leases = leases;
        this.requests = requests;
        this.notices = notices;
        this.executions = executions;
        this.every = config.sweeper().every();
    }

    void schedule(@Observes StartupEvent event, Scheduler scheduler) {
        if (every.equalsIgnoreCase("off")) {
            return;
        }
        scheduler.newJob("executor.sweeper").setInterval(every)
                .setConcurrentExecution(Scheduled.ConcurrentExecution.SKIP)
                .setAsyncTask(execution -> scheduled())
                .schedule();
    }

    private Uni<Void> scheduled() {
        return sweep().onFailure().recoverWithItem(failure -> {
            LOG.warnf("sweeping runs failed: %s", failure.toString());
            return null;
        }).replaceWithVoid();
    }

    /** One sweep: runs out of claims ended, re-queued runs, then re-sent notices. */
    public Uni<Sweep> sweep() {
        return abandonExhausted()
                .chain(abandoned -> leases.requeue(all(run -> requests.publish(run.event(), run.traceparent())))
                        .invoke(count -> {
                            metrics.sweptRequeued(count);
                            if (count > 0) {
                                LOG.infof("re-queued %d run(s) whose lease expired or that were never claimed", count);
                            }
                        })
                        .chain(requeued -> leases.renotify(all(notice -> notices.publish(notice.event(),
                                TraceParent.context(notice.traceparent()))))
                                .invoke(count -> {
                                    metrics.sweptRenotified(count);
                                    if (count > 0) {
                                        LOG.infof("re-published the finished notice of %d run(s)", count);
                                    }
                                })
                                .map(renotified -> new Sweep(requeued, renotified, abandoned))));
    }

    /**
     * Ends the runs out of claims one by one; one that cannot be ended now keeps its (new) lease until it
     * expires, and the next sweep takes it again.
     */
    private Uni<Integer> abandonExhausted() {
        return leases.claimExhausted().chain(runs -> runs.isEmpty() ? Uni.createFrom().item(0)
                : Uni.join().all(runs.stream().map(run -> executions.abandon(run).replaceWith(1)
                                .onFailure().recoverWithItem(failure -> {
                                    LOG.warnf("ending run %s, out of claims, failed: %s", run.id(), failure.toString());
                                    return 0;
                                })).toList())
                        .andFailFast()
                        .map(ended -> ended.stream().mapToInt(Integer::intValue).sum()));
    }

    private static <T> Function<List<T>, Uni<Void>> all(Function<T, Uni<Void>> publish) {
        return items -> Uni.join().all(items.stream().map(publish).toList()).andFailFast().replaceWithVoid();
    }

    /** @param abandoned runs out of claims that were ended failed */
    public record Sweep(int requeued, int renotified, int abandoned) {
    }
}
