package dev.promptjuggler.gateway.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.promptjuggler.contracts.StreamFrame;
import dev.promptjuggler.contracts.Topics;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes frames to {@code runs.stream} on the real broker, as run-executor does: keyed by thread id, the frame
 * as plain JSON.
 */
final class StreamFrames implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final KafkaProducer<String, String> producer;

    StreamFrames(String bootstrapServers) {
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer());
    }

    static StreamFrame token(UUID tenant, UUID thread, UUID run, String channel, long seq, String text) {
        return new StreamFrame(tenant, thread, run, "token", channel, 0, seq, text, null, null, null, null, null,
                null);
    }

    static StreamFrame reset(UUID tenant, UUID thread, UUID run, String channel) {
        return new StreamFrame(tenant, thread, run, "reset", channel, 0, 0, null, null, null, null, null, null, null);
    }

    static StreamFrame done(UUID tenant, UUID thread, UUID run, String channel, long seq) {
        return new StreamFrame(tenant, thread, run, "done", channel, 0, seq, null, null, null, null, null, null, null);
    }

    /** @return the record's position, as the stream's cursor writes it */
    String publish(StreamFrame frame) throws Exception {
        RecordMetadata sent = producer.send(new ProducerRecord<>(Topics.RUNS_STREAM, frame.threadId().toString(),
                JSON.writeValueAsString(frame))).get();
        return sent.partition() + "-" + sent.offset();
    }

    @Override
    public void close() {
        producer.close();
    }
}
