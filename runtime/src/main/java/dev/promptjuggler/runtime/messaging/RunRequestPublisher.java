package dev.promptjuggler.runtime.messaging;

import dev.promptjuggler.contracts.Envelope;
import dev.promptjuggler.contracts.RunRequested;
import dev.promptjuggler.runtime.tracing.TraceParent;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.ce.OutgoingCloudEventMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.time.ZoneOffset;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Puts a run request on the topic of its priority, keyed by thread so a thread's turns stay ordered. api-gateway
 * publishes accepted runs with it; run-executor re-queues runs (the sweeper's abandoned runs, a finished run's
 * successor in its lane). The event's CloudEvents source names the publishing service. A service that uses it
 * configures the {@code run-requests} channel and indexes this module ({@code quarkus.index-dependency.runtime.*}).
 */
@ApplicationScoped
public class RunRequestPublisher {

    private final MutinyEmitter<RunRequested> emitter;
    private final URI source;

    public RunRequestPublisher(@Channel("run-requests") MutinyEmitter<RunRequested> emitter,
            @ConfigProperty(name = "quarkus.application.name") String service) {
        this.emitter = emitter;
        this.source = Envelope.source(service);
    }

    /**
     * Completes when the broker has acknowledged the record.
     *
     * @param traceparent the trace the run belongs to (the create-run request's, stored with the run), so that a
     *                    request published again later continues it; null publishes in the current context
     */
    public Uni<Void> publish(RunRequested run, String traceparent) {
        var kafka = OutgoingKafkaRecordMetadata.<String>builder()
                .withTopic(run.priority().topic())
                .withKey(run.threadId().toString())
                .build();
        var cloudEvent = OutgoingCloudEventMetadata.builder()
                .withId(UUID.randomUUID().toString())
                .withType(RunRequested.TYPE)
                .withSource(source)
                .withSubject(run.runId().toString())
                .withTimestamp(run.acceptedAt().atZone(ZoneOffset.UTC))
                .withExtension(Envelope.TENANT, run.tenantId().toString())
                .withExtension(Envelope.SCHEMA_VERSION, RunRequested.SCHEMA_VERSION)
                .build();
        Message<RunRequested> message = Message.of(run).addMetadata(kafka).addMetadata(cloudEvent);
        return emitter.sendMessage(traceparent == null ? message
                : TraceParent.continuing(message, TraceParent.context(traceparent)));
    }
}
