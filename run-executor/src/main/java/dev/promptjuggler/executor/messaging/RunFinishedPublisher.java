package dev.promptjuggler.executor.messaging;

import dev.promptjuggler.contracts.Envelope;
import dev.promptjuggler.contracts.RunFinished;
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

/** Publishes {@code runs.finished}, keyed by run id. */
@ApplicationScoped
public class RunFinishedPublisher {

    private static final URI SOURCE = Envelope.source("run-executor");

    private final MutinyEmitter<RunFinished> emitter;

    public RunFinishedPublisher(@Channel("runs-finished") MutinyEmitter<RunFinished> emitter) {
        this.emitter = emitter;
    }

    /**
     * Completes when the broker has acknowledged the record.
     *
     * @param trace the run's span: the record's producer span (and its {@code traceparent} header, the CloudEvents
     *              distributed-tracing extension) belong to the run's trace
     */
    public Uni<Void> publish(RunFinished event, Context trace) {
        var kafka = OutgoingKafkaRecordMetadata.<String>builder().withKey(event.runId().toString()).build();
        var cloudEvent = OutgoingCloudEventMetadata.builder()
                .withId(event.eventId().toString())
                .withType(event.type())
                .withSource(SOURCE)
                .withSubject(event.runId().toString())
                .withTimestamp(event.finishedAt().atZone(ZoneOffset.UTC))
                .withExtension(Envelope.TENANT, event.tenantId().toString())
                .withExtension(Envelope.SCHEMA_VERSION, RunFinished.SCHEMA_VERSION)
                .build();
        return emitter.sendMessage(TraceParent.continuing(Message.of(event).addMetadata(kafka).addMetadata(cloudEvent),
                trace));
    }
}
