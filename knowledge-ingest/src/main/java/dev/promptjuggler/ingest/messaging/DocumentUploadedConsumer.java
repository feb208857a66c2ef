package dev.promptjuggler.ingest.messaging;

import dev.promptjuggler.contracts.knowledge.KnowledgeDocumentUploaded;
import dev.promptjuggler.ingest.service.DocumentProcessor;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
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
 *
 * <p>Each document's processing is a span under the connector's span of its record, which continues the
 * upload's trace (the record's {@code traceparent}); its notices are published under it.
 */
@ApplicationScoped
public class DocumentUploadedConsumer {

    private static final Logger LOG = Logger.getLogger(DocumentUploadedConsumer.class);

    private final DocumentProcessor processor;
    private final Tracer tracer;

    public DocumentUploadedConsumer(DocumentProcessor processor, Tracer tracer) {
        this.processor = processor;
        this.tracer = tracer;
    }

    /** Blocks a worker of its own pool (never the event loop) until the document is done with. */
    @Incoming("knowledge-uploads")
    @Blocking(value = "knowledge-documents", ordered = false)
    public void consume(KnowledgeDocumentUploaded uploaded) {
        // On the record's own Vert.x context (Quarkus' MDC is kept there): every line logged while handling the
        // document, here and in the database callbacks, names it.
        MDC.put("tenantId", uploaded.tenantId().toString());
        MDC.put("documentId", uploaded.documentId().toString());
        // The connector made its span of the record current on the message's context, which this worker runs on.
        Span span = tracer.spanBuilder("process document")
                .setParent(Context.current())
                .setAttribute("promptjuggler.document.id", uploaded.documentId().toString())
                .setAttribute("promptjuggler.knowledge_base.id", uploaded.knowledgeBaseId().toString())
                .startSpan();
        processor.process(uploaded.documentId(), uploaded.knowledgeBaseId(), Context.current().with(span))
                .onFailure().retry().withBackOff(Duration.ofSeconds(1), Duration.ofSeconds(30)).atMost(5)
                .onFailure().recoverWithItem(failure -> {
                    LOG.errorf(failure, "document %s left to the sweeper", uploaded.documentId());
                    span.setStatus(StatusCode.ERROR, "left to the sweeper");
                    return null;
                })
                .eventually(() -> span.end())
                .await().indefinitely();
    }
}
