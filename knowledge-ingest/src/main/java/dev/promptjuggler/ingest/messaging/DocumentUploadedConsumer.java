package dev.promptjuggler.ingest.messaging;

import dev.promptjuggler.contracts.knowledge.KnowledgeDocumentUploaded;
import dev.promptjuggler.ingest.service.DocumentProcessor;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Consumes knowledge.uploaded. The offset is committed only after the document reached a final state (or
 * turned out deleted), so a crash mid-document redelivers it and processing resumes from the committed
 * state. Infrastructure failures are retried; past that, the sweeper takes the document up again.
 */
@ApplicationScoped
public class DocumentUploadedConsumer {

    private static final Logger LOG = Logger.getLogger(DocumentUploadedConsumer.class);

    private final DocumentProcessor processor;

    public DocumentUploadedConsumer(DocumentProcessor processor) {
        this.processor = processor;
    }

    @Incoming("knowledge-uploads")
    public Uni<Void> consume(KnowledgeDocumentUploaded uploaded) {
        return processor.process(uploaded.documentId(), uploaded.knowledgeBaseId())
                .onFailure().retry().withBackOff(Duration.ofSeconds(1), Duration.ofSeconds(30)).atMost(5)
                .onFailure().recoverWithItem(failure -> {
                    LOG.errorf(failure, "document %s left to the sweeper", uploaded.documentId());
                    return null;
                });
    }
}
