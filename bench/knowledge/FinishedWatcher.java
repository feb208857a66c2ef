package bench.knowledge;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads knowledge.finished from its current end, as webhook-dispatcher does, and notes when each
 * knowledgebase.finished arrives: the moment a client learns that everything it uploaded is searchable.
 */
final class FinishedWatcher implements AutoCloseable {

    static final String TOPIC = "knowledge.finished";

    /** A knowledgebase.finished notice and when this process received it. */
    record BaseFinished(String status, int documentCount, int chunkCount, long receivedAtNanos) {
    }

    private final KafkaConsumer<String, String> consumer;
    private final Thread poller;
    private final Map<String, BaseFinished> latest = new ConcurrentHashMap<>();
    private final Map<String, Integer> documentNotices = new ConcurrentHashMap<>();
    private volatile boolean running = true;

    FinishedWatcher(String bootstrapServers) {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        consumer = new KafkaConsumer<>(config);
        List<TopicPartition> partitions = consumer.partitionsFor(TOPIC).stream()
                .map(info -> new TopicPartition(TOPIC, info.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        poller = new Thread(this::poll, "knowledge-finished-watcher");
        poller.setDaemon(true);
        poller.start();
    }

    private void poll() {
        while (running) {
            for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(20))) {
                long now = System.nanoTime();
                try {
                    JsonNode event = Api.JSON.readTree(record.value());
                    String type = header(record, "ce_type");
                    boolean baseNotice = type != null ? type.equals("knowledgebase.finished") : event.has("documentCount");
                    String base = event.get("knowledgeBaseId").asText();
                    if (baseNotice) {
                        latest.put(base, new BaseFinished(event.get("status").asText(), event.get("documentCount").asInt(),
                                event.get("chunkCount").asInt(), now));
                    } else {
                        documentNotices.merge(base, 1, Integer::sum);
                    }
                } catch (Exception e) {
                    System.err.println("unreadable record on " + TOPIC + ": " + e);
                }
            }
        }
        consumer.close();
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** Waits for the base's notice that all {@code documents} are finished. */
    BaseFinished awaitBase(String baseId, int documents, Duration timeout) throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            BaseFinished finished = latest.get(baseId);
            if (finished != null && finished.documentCount() == documents) {
                return finished;
            }
            Thread.sleep(5);
        }
        throw new TimeoutException("no knowledgebase.finished for " + documents + " documents of " + baseId
                + " within " + timeout + " (last: " + latest.get(baseId) + ")");
    }

    int documentNotices(String baseId) {
        return documentNotices.getOrDefault(baseId, 0);
    }

    @Override
    public void close() {
        running = false;
        try {
            poller.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
