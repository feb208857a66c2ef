package dev.promptjuggler.ingest.messaging;

import dev.promptjuggler.contracts.Envelope;
import dev.promptjuggler.contracts.knowledge.KnowledgeBaseFinished;
import dev.promptjuggler.contracts.knowledge.KnowledgeDocumentFinished;
import dev.promptjuggler.runtime.tracing.TraceParent;
import io.opentelemetry.context.Context;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.ce.OutgoingCloudEventMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Publishes knowledgedocument.finished and knowledgebase.finished to knowledge.finished, keyed by knowledge
 * base so a base's notices stay in order (a document's before the base's it completed).
 */
@ApplicationScoped
public class KnowledgeFinishedPublisher {

    private static final URI SOURCE = Envelope.source("knowledge-ingest");

    private final MutinyEmitter<Object> emitter;

    public KnowledgeFinishedPublisher(@Channel("knowledge-finished") MutinyEmitter<Object> emitter) {
        this.emitter = emitter;
    }

    /**
     * Completes when the broker has acknowledged the record.
     *
     * @param trace the document's processing span: the record's producer span, and its {@code traceparent}
     *              header, belong to the upload's trace
     */
    public Uni<Void> publish(KnowledgeDocumentFinished event, Context trace) {
        return send(event, event.knowledgeBaseId(), event.documentId(), event.tenantId(), event.eventId(),
                KnowledgeDocumentFinished.TYPE, KnowledgeDocumentFinished.SCHEMA_VERSION, event.finishedAt(), trace);
    }

    /** Completes when the broker has acknowledged the record; {@code trace}: the document whose end finished the base. */
    public Uni<Void> publish(KnowledgeBaseFinished event, Context trace) {
        return send(event, event.knowledgeBaseId(), event.knowledgeBaseId(), event.tenantId(), event.eventId(),
                KnowledgeBaseFinished.TYPE, KnowledgeBaseFinished.SCHEMA_VERSION, event.finishedAt(), trace);
    }

    private Uni<Void> send(Object payload, UUID key, UUID subject, UUID tenant, UUID eventId, String type,
            int schemaVersion, Instant time, Context trace) {
        var kafka = OutgoingKafkaRecordMetadata.<String>builder().withKey(key.toString()).build();
        var cloudEvent = OutgoingCloudEventMetadata.builder()
                .withId(eventId.toString())
                .withType(type)
                .withSource(SOURCE)
                .withSubject(subject.toString())
                .withTimestamp(time.atZone(ZoneOffset.UTC))
                .withExtension(Envelope.TENANT, tenant.toString())
                .withExtension(Envelope.SCHEMA_VERSION, schemaVersion)
                .build();
        return emitter.sendMessage(TraceParent.continuing(Message.of(payload).addMetadata(kafka).addMetadata(cloudEvent),
                trace));
    }
}
