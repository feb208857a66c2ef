package dev.promptjuggler.ingest.service;

import dev.promptjuggler.ingest.config.IngestConfig;
import dev.promptjuggler.ingest.metrics.IngestMetrics;
import dev.promptjuggler.ingest.persistence.DocumentStore;
import dev.promptjuggler.runtime.health.Heartbeat;
import io.opentelemetry.context.Context;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.DurationConverter;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.Scheduler;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Takes up what no event will bring back: documents whose knowledge.uploaded was never published (the
 * gateway stored them and then failed), whose worker died and whose retries gave up, and finished
 * documents whose notice never reached the broker. Claims (leases) keep it off documents in work. It also
 * removes the state and chunks of documents the gateway deleted (alone or with their knowledge base): no event
 * announces a delete, and search already leaves them out.
 */
@ApplicationScoped
public class Sweeper {

    private static final Logger LOG = Logger.getLogger(Sweeper.class);
    /** Documents taken up per sweep, one after the other. */
    private static final int TAKEN_UP_PER_SWEEP = 20;
    /** Deleted documents cleared up per sweep, each with all its chunks, in one transaction. */
    private static final int FORGOTTEN_PER_SWEEP = 500;

    private final DocumentStore documents;
    private final DocumentProcessor processor;
    private final IngestConfig.Processing config;
    private final Scheduler scheduler;
    private final IngestMetrics metrics;
    private final Optional<Heartbeat> heartbeat;

    public Sweeper(DocumentStore documents, DocumentProcessor processor, IngestConfig config, Scheduler scheduler,
            IngestMetrics metrics) {
        this.documents = documents;
        this.processor = processor;
        this.config = config.processing();
        this.scheduler = scheduler;
        this.metrics = metrics;
        this.heartbeat = sweeping(this.config.sweepEvery()) ? Optional.of(new Heartbeat("sweeper",
                silence(DurationConverter.parseDuration(this.config.sweepEvery())))) : Optional.empty();
    }

    /** The sweeper's sign of life, for liveness; empty when sweeping is {@code off}. */
    public Optional<Heartbeat> heartbeat() {
        return heartbeat;
    }

    private static boolean sweeping(String every) {
        return !every.equalsIgnoreCase("off") && !every.equalsIgnoreCase("disabled");
    }

    /** Taken for stopped (liveness DOWN) after ten of its periods without a sweep, at least a minute. */
    private static Duration silence(Duration every) {
        Duration tenPeriods = every.multipliedBy(10);
        return tenPeriods.compareTo(Duration.ofMinutes(1)) < 0 ? Duration.ofMinutes(1) : tenPeriods;
    }

    /**
     * Scheduled from {@link IngestConfig.Processing#sweepEvery()}, so that its default is stated once; {@code off}
     * schedules nothing. With no {@code @Scheduled} method, the scheduler is started by
     * {@code quarkus.scheduler.start-mode=forced}.
     */
    void start(@Observes StartupEvent event) {
        scheduler.newJob("ingest.sweeper")
                .setInterval(config.sweepEvery())
                .setConcurrentExecution(Scheduled.ConcurrentExecution.SKIP)
                .setAsyncTask(execution -> sweep())
                .schedule();
    }

    Uni<Void> sweep() {
        heartbeat.ifPresent(Heartbeat::beat);
        return documents.forgetDeleted(FORGOTTEN_PER_SWEEP)
                .onFailure().recoverWithItem(failure -> {
                    LOG.warnf("clearing up deleted documents failed: %s", failure.toString());
                    return 0;
                })
                .chain(() -> documents.unsettled(config.sweepAfter(), TAKEN_UP_PER_SWEEP))
                .invoke(found -> metrics.swept(found.size()))
                .onItem().transformToMulti(found -> Multi.createFrom().iterable(found))
                .onItem().transformToUniAndConcatenate(document -> processor
                        // Its upload's trace is gone with the lost event: the sweep starts one of its own.
                        .process(document.documentId(), document.knowledgeBaseId(), Context.root())
                        .onFailure().recoverWithItem(failure -> {
                            LOG.warnf("sweeping document %s failed: %s", document.documentId(), failure.toString());
                            return null;
                        }))
                .collect().asList()
                .replaceWithVoid();
    }
}
