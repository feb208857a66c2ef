package dev.promptjuggler.gateway.messaging;

import dev.promptjuggler.contracts.Envelope;
import dev.promptjuggler.contracts.RunRequested;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.ce.OutgoingCloudEventMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.ZoneOffset;
import java.util.UUID;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

/** Publishes accepted runs to the topic of their priority, keyed by thread so a thread's turns stay ordered. */
@ApplicationScoped
public class RunRequestPublisher {

    private static final java.net.URI SOURCE = Envelope.source("api-gateway");

    private final MutinyEmitter<RunRequested> emitter;

    public RunRequestPublisher(@Channel("run-requests") MutinyEmitter<RunRequested> emitter) {
        this.emitter = emitter;
    }

    /** Completes when the broker has acknowledged the record. */
    public Uni<Void> publish(RunRequested run) {
        var kafka = OutgoingKafkaRecordMetadata.<String>builder()
                .withTopic(run.priority().topic())
                .withKey(run.threadId().toString())
                .build();
        var cloudEvent = OutgoingCloudEventMetadata.builder()
                .withId(UUID.randomUUID().toString())
                .withType(RunRequested.TYPE)
                .withSource(SOURCE)
                .withSubject(run.runId().toString())
                .withTimestamp(run.acceptedAt().atZone(ZoneOffset.UTC))
                .withExtension(Envelope.TENANT, run.tenantId().toString())
                .withExtension(Envelope.SCHEMA_VERSION, RunRequested.SCHEMA_VERSION)
                .build();
        return emitter.sendMessage(Message.of(run).addMetadata(kafka).addMetadata(cloudEvent));
    }
}
