package dev.promptjuggler.ingest.messaging;

import dev.promptjuggler.contracts.knowledge.KnowledgeDocumentUploaded;
import dev.promptjuggler.ingest.service.DocumentProcessor;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/**
 * Consumes knowledge.uploaded, several documents at a time: while one document waits on the database or the
 * broker, another's batch keeps the encoder busy. Records are processed out of order on the
 * {@code knowledge-documents} worker pool (its {@code max-concurrency}, application.properties, is the number
 * of documents in flight per instance); the throttled commit strategy commits a partition's offset only up to
 * the oldest record still in work, and each record is acknowledged only after its document reached a final
 * state (or turned out deleted), so a crash mid-document redelivers it and processing resumes from the
 * committed state. Infrastructure failures are retried; past that, the sweeper takes the document up again.
 */
@ApplicationScoped
public class DocumentUploadedConsumer {

    private static final Logger LOG = Logger.getLogger(DocumentUploadedConsumer.class);

    private final DocumentProcessor processor;

    public DocumentUploadedConsumer(DocumentProcessor processor) {
        this.processor = processor;
    }

    /** Blocks a worker of its own pool (never the event loop) until the document is done with. */
    @Incoming("knowledge-uploads")
    @Blocking(value = "knowledge-documents", ordered = false)
    public void consume(KnowledgeDocumentUploaded uploaded) {
        // On the record's own Vert.x context (Quarkus' MDC is kept there): every line logged while handling the
        // document, here and in the database callbacks, names it.
        MDC.put("tenantId", uploaded.tenantId().toString());
        MDC.put("documentId", uploaded.documentId().toString());
        processor.process(uploaded.documentId(), uploaded.knowledgeBaseId())
                .onFailure().retry().withBackOff(Duration.ofSeconds(1), Duration.ofSeconds(30)).atMost(5)
                .onFailure().recoverWithItem(failure -> {
                    LOG.errorf(failure, "document %s left to the sweeper", uploaded.documentId());
                    return null;
                })
                .await().indefinitely();
    }
}
