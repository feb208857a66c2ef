package dev.promptjuggler.dispatcher.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.promptjuggler.contracts.RunFinished;
import dev.promptjuggler.contracts.knowledge.KnowledgeBaseFinished;
import dev.promptjuggler.contracts.knowledge.KnowledgeDocumentFinished;
import dev.promptjuggler.dispatcher.delivery.KnowledgeWebhooks;
import dev.promptjuggler.dispatcher.delivery.DeliveryWorker;
import dev.promptjuggler.dispatcher.delivery.FinishedEvent;
import dev.promptjuggler.dispatcher.delivery.RunFinishedWebhook;
import dev.promptjuggler.runtime.tracing.TraceParent;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Reads finished events and hands each polled batch to the {@link FanOutWriter}, which stores it with one
 * delivery per matching endpoint before its offsets are acknowledged. The HTTP attempts start after
 * that commit, in the {@link DeliveryWorker}, and are not waited for, so a slow endpoint never holds up
 * a partition.
 *
 * <p>Each event's fan-out is a span continuing the trace of the record's producer (its {@code traceparent}
 * header), from the record's arrival to the commit of its deliveries; the event keeps it for its attempts.
 */
@ApplicationScoped
public class FinishedEventsConsumer {

    private static final Logger LOG = Logger.getLogger(FinishedEventsConsumer.class);

    private final FanOutWriter writer;
    private final ObjectMapper json;
    private final Tracer tracer;

    public FinishedEventsConsumer(FanOutWriter writer, ObjectMapper json, Tracer tracer) {
        this.writer = writer;
        this.json = json;
        this.tracer = tracer;
    }

    @Incoming("runs-finished")
    public Uni<Void> runsFinished(KafkaRecordBatch<String, RunFinished> batch) {
        List<FinishedEvent> events = new ArrayList<>();
        List<Span> spans = new ArrayList<>();
        for (KafkaRecord<String, RunFinished> record : batch) {
            RunFinished event = record.getPayload();
            if (event == null) {
                LOG.warnf("Skipping an unreadable runs.finished record at %s", offset(record));
                continue;
            }
            UUID id = eventId(record, event.eventId());
            Span span = fanOutSpan(record, id, event.type());
            spans.add(span);
            events.add(new FinishedEvent(id, event.tenantId(), event.type(), event.environment(), body(event),
                    event.runId(), TraceParent.of(Context.root().with(span))));
        }
        return writer.submit(events, batch, spans);
    }

    /**
     * {@code knowledgedocument.finished} and {@code knowledgebase.finished} share the topic; the
     * CloudEvents type says which record the value is. Knowledge events belong to no environment, so
     * they reach the endpoints without an environment pattern.
     */
    @Incoming("knowledge-finished")
    public Uni<Void> knowledgeFinished(KafkaRecordBatch<String, String> batch) {
        List<FinishedEvent> events = new ArrayList<>();
        List<Span> spans = new ArrayList<>();
        for (KafkaRecord<String, String> record : batch) {
            String type = header(record.getHeaders(), "ce_type").orElse("");
            try {
                FinishedEvent event = switch (type) {
                    case KnowledgeDocumentFinished.TYPE -> {
                        KnowledgeDocumentFinished finished = json.readValue(record.getPayload(), KnowledgeDocumentFinished.class);
                        yield new FinishedEvent(eventId(record, finished.eventId()), finished.tenantId(), type, null,
                                json.writeValueAsString(KnowledgeWebhooks.DocumentFinished.of(finished)), null, null);
                    }
                    case KnowledgeBaseFinished.TYPE -> {
                        KnowledgeBaseFinished finished = json.readValue(record.getPayload(), KnowledgeBaseFinished.class);
                        yield new FinishedEvent(eventId(record, finished.eventId()), finished.tenantId(), type, null,
                                json.writeValueAsString(KnowledgeWebhooks.BaseFinished.of(finished)), null, null);
                    }
                    default -> null;
                };
                if (event == null) {
                    LOG.warnf("Skipping a knowledge.finished record of unknown type '%s' at %s", type, offset(record));
                } else {
                    Span span = fanOutSpan(record, event.id(), type);
                    spans.add(span);
                    events.add(new FinishedEvent(event.id(), event.tenantId(), type, null, event.payload(), null,
                            TraceParent.of(Context.root().with(span))));
                }
            } catch (JsonProcessingException | IllegalArgumentException e) {
                LOG.warnf("Skipping an unreadable knowledge.finished record at %s: %s", offset(record), e.getMessage());
            }
        }
        return writer.submit(events, batch, spans);
    }

    /** The event's fan-out, under the span that published its record. */
    private Span fanOutSpan(KafkaRecord<?, ?> record, UUID eventId, String type) {
        return tracer.spanBuilder("fan-out " + type)
                .setParent(TraceParent.context(record.getHeaders()))
                .setSpanKind(SpanKind.CONSUMER)
                .setAttribute("messaging.system", "kafka")
                .setAttribute("messaging.operation.type", "process")
                .setAttribute("messaging.destination.name", record.getTopic())
                .setAttribute("cloudevents.event_id", eventId.toString())
                .setAttribute("cloudevents.event_type", type)
                .startSpan();
    }

    private static UUID eventId(KafkaRecord<?, ?> record, UUID derived) {
        return header(record.getHeaders(), "ce_id").map(UUID::fromString).orElse(derived);
    }

    /** Partition and offset, for log lines and as the identity of a record that carries no event id. */
    private static String offset(KafkaRecord<?, ?> record) {
        return record.getMetadata(IncomingKafkaRecordMetadata.class)
                .map(metadata -> metadata.getTopic() + "-" + metadata.getPartition() + "@" + metadata.getOffset())
                .orElse("unknown");
    }

    private static java.util.Optional<String> header(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null ? java.util.Optional.empty()
                : java.util.Optional.of(new String(header.value(), StandardCharsets.UTF_8));
    }

    private String body(RunFinished event) {
        try {
            return json.writeValueAsString(RunFinishedWebhook.of(event));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
