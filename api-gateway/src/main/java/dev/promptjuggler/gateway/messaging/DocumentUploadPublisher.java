package dev.promptjuggler.gateway.messaging;

import dev.promptjuggler.contracts.Envelope;
import dev.promptjuggler.contracts.knowledge.KnowledgeDocumentUploaded;
import dev.promptjuggler.runtime.tracing.TraceParent;
import io.opentelemetry.context.Context;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.ce.OutgoingCloudEventMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.time.ZoneOffset;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

/** Announces stored documents on knowledge.uploaded, keyed by knowledge base so a base's uploads stay ordered. */
@ApplicationScoped
public class DocumentUploadPublisher {

    private static final URI SOURCE = Envelope.source("api-gateway");

    private final MutinyEmitter<KnowledgeDocumentUploaded> emitter;

    public DocumentUploadPublisher(@Channel("knowledge-uploads") MutinyEmitter<KnowledgeDocumentUploaded> emitter) {
        this.emitter = emitter;
    }

    /**
     * Completes when the broker has acknowledged the record.
     *
     * @param trace the upload request's span: the document's processing continues its trace
     */
    public Uni<Void> publish(KnowledgeDocumentUploaded uploaded, Context trace) {
        var kafka = OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(uploaded.knowledgeBaseId().toString())
                .build();
        var cloudEvent = OutgoingCloudEventMetadata.builder()
                .withId(uploaded.eventId().toString())
                .withType(KnowledgeDocumentUploaded.TYPE)
                .withSource(SOURCE)
                .withSubject(uploaded.documentId().toString())
                .withTimestamp(uploaded.uploadedAt().atZone(ZoneOffset.UTC))
                .withExtension(Envelope.TENANT, uploaded.tenantId().toString())
                .withExtension(Envelope.SCHEMA_VERSION, KnowledgeDocumentUploaded.SCHEMA_VERSION)
                .build();
        return emitter.sendMessage(TraceParent.continuing(Message.of(uploaded).addMetadata(kafka).addMetadata(cloudEvent),
                trace));
    }
}
