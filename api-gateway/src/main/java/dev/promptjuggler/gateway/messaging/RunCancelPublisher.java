package dev.promptjuggler.gateway.messaging;

import dev.promptjuggler.contracts.Envelope;
import dev.promptjuggler.contracts.RunCancelRequested;
import dev.promptjuggler.runtime.tracing.TraceParent;
import io.opentelemetry.context.Context;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.ce.OutgoingCloudEventMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.util.UUID;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

/** Announces requests to stop runs on runs.cancel, keyed by run id; every run-executor replica reads them all. */
@ApplicationScoped
public class RunCancelPublisher {

    private static final URI SOURCE = Envelope.source("api-gateway");

    private final MutinyEmitter<RunCancelRequested> emitter;

    public RunCancelPublisher(@Channel("run-cancels") MutinyEmitter<RunCancelRequested> emitter) {
        this.emitter = emitter;
    }

    /** Completes when the broker has acknowledged the record. */
    public Uni<Void> publish(RunCancelRequested request) {
        var kafka = OutgoingKafkaRecordMetadata.<String>builder().withKey(request.runId().toString()).build();
        var cloudEvent = OutgoingCloudEventMetadata.builder()
                // One id per request: a repeated cancel of one run is the same request.
                .withId(UUID.nameUUIDFromBytes((RunCancelRequested.TYPE + request.runId()).getBytes(StandardCharsets.UTF_8)).toString())
                .withType(RunCancelRequested.TYPE)
                .withSource(SOURCE)
                .withSubject(request.runId().toString())
                .withTimestamp(request.requestedAt().atZone(ZoneOffset.UTC))
                .withExtension(Envelope.TENANT, request.tenantId().toString())
                .withExtension(Envelope.SCHEMA_VERSION, RunCancelRequested.SCHEMA_VERSION)
                .build();
        return emitter.sendMessage(TraceParent.continuing(Message.of(request).addMetadata(kafka).addMetadata(cloudEvent),
                Context.current()));
    }
}
