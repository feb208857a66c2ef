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
 */
@ApplicationScoped
public class FinishedEventsConsumer {

    private static final Logger LOG = Logger.getLogger(FinishedEventsConsumer.class);

    private final FanOutWriter writer;
    private final ObjectMapper json;

    public FinishedEventsConsumer(FanOutWriter writer, ObjectMapper json) {
        this.writer = writer;
        this.json = json;
    }

    @Incoming("runs-finished")
    public Uni<Void> runsFinished(KafkaRecordBatch<String, RunFinished> batch) {
        List<FinishedEvent> events = new ArrayList<>();
        for (KafkaRecord<String, RunFinished> record : batch) {
            RunFinished event = record.getPayload();
            if (event == null) {
                LOG.warnf("Skipping an unreadable runs.finished record at %s", offset(record));
                continue;
            }
            events.add(new FinishedEvent(eventId(record, event.eventId()), event.tenantId(), event.type(),
                    event.environment(), body(event), event.runId()));
        }
        return fanOut(events, batch);
    }

    /**
     * {@code knowledgedocument.finished} and {@code knowledgebase.finished} share the topic; the
     * CloudEvents type says which record the value is. Knowledge events belong to no environment, so
     * they reach the endpoints without an environment pattern.
     */
    @Incoming("knowledge-finished")
    public Uni<Void> knowledgeFinished(KafkaRecordBatch<String, String> batch) {
        List<FinishedEvent> events = new ArrayList<>();
        for (KafkaRecord<String, String> record : batch) {
            String type = header(record.getHeaders(), "ce_type").orElse("");
            try {
                FinishedEvent event = switch (type) {
                    case KnowledgeDocumentFinished.TYPE -> {
                        KnowledgeDocumentFinished finished = json.readValue(record.getPayload(), KnowledgeDocumentFinished.class);
                        yield new FinishedEvent(eventId(record, finished.eventId()), finished.tenantId(), type, null,
                                json.writeValueAsString(KnowledgeWebhooks.DocumentFinished.of(finished)), null);
                    }
                    case KnowledgeBaseFinished.TYPE -> {
                        KnowledgeBaseFinished finished = json.readValue(record.getPayload(), KnowledgeBaseFinished.class);
                        yield new FinishedEvent(eventId(record, finished.eventId()), finished.tenantId(), type, null,
                                json.writeValueAsString(KnowledgeWebhooks.BaseFinished.of(finished)), null);
                    }
                    default -> null;
                };
                if (event == null) {
                    LOG.warnf("Skipping a knowledge.finished record of unknown type '%s' at %s", type, offset(record));
                } else {
                    events.add(event);
                }
            } catch (JsonProcessingException | IllegalArgumentException e) {
                LOG.warnf("Skipping an unreadable knowledge.finished record at %s: %s", offset(record), e.getMessage());
            }
        }
        return fanOut(events, batch);
    }

    private static UUID eventId(KafkaRecord<?, ?> record, UUID derived) {
        return header(record.getHeaders(), "ce_id").map(UUID::fromString).orElse(derived);
    }

    private Uni<Void> fanOut(List<FinishedEvent> events, KafkaRecordBatch<?, ?> batch) {
        return writer.submit(events, batch);
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
