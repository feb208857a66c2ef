package dev.promptjuggler.ingest.service;

import dev.promptjuggler.ingest.config.IngestConfig;
import dev.promptjuggler.ingest.persistence.DocumentStore;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.Scheduler;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/**
 * Takes up what no event will bring back: documents whose knowledge.uploaded was never published (the
 * gateway stored them and then failed), whose worker died and whose retries gave up, and finished
 * documents whose notice never reached the broker. Claims (leases) keep it off documents in work.
 */
@ApplicationScoped
public class Sweeper {

    private static final Logger LOG = Logger.getLogger(Sweeper.class);

    private final DocumentStore documents;
    private final DocumentProcessor processor;
    private final IngestConfig.Processing config;
    private final Scheduler scheduler;

    public Sweeper(DocumentStore documents, DocumentProcessor processor, IngestConfig config, Scheduler scheduler) {
        this.documents = documents;
        this.processor = processor;
        this.config = config.processing();
        this.scheduler = scheduler;
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
        return documents.unsettled(config.sweepAfter(), 20)
                .onItem().transformToMulti(found -> Multi.createFrom().iterable(found))
                .onItem().transformToUniAndConcatenate(document -> processor
                        .process(document.documentId(), document.knowledgeBaseId())
                        .onFailure().recoverWithItem(failure -> {
                            LOG.warnf("sweeping document %s failed: %s", document.documentId(), failure.toString());
                            return null;
                        }))
                .collect().asList()
                .replaceWithVoid();
    }
}
