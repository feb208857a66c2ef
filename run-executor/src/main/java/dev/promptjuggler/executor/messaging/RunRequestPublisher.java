package dev.promptjuggler.executor.messaging;

import dev.promptjuggler.contracts.Envelope;
import dev.promptjuggler.contracts.RunRequested;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.ce.OutgoingCloudEventMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.time.ZoneOffset;
import java.util.UUID;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Puts a run back on the topic of its priority, keyed by thread as api-gateway does: the sweeper's way of
 * re-queueing runs whose worker died or whose request never reached the broker, and a finished run's way
 * of handing on the next run of its lane, which waited for it.
 */
@ApplicationScoped
public class RunRequestPublisher {

    private static final URI SOURCE = Envelope.source("run-executor");

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
