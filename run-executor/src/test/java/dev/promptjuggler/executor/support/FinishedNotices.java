package dev.promptjuggler.executor.support;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/** {@code runs.finished} read on the real broker from its end as of now: the notices published from here on. */
public final class FinishedNotices implements AutoCloseable {

    private final KafkaConsumer<String, String> consumer;

    private FinishedNotices(KafkaConsumer<String, String> consumer) {
        this.consumer = consumer;
    }

    public static FinishedNotices fromNow() {
        var consumer = new KafkaConsumer<>(KafkaSettings.current(), new StringDeserializer(), new StringDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor("runs.finished").stream()
                .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        return new FinishedNotices(consumer);
    }

    /** The notice of {@code run} among the records of one short poll, or null (others' notices are skipped). */
    public ConsumerRecord<String, String> next(UUID run) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
            if (run.toString().equals(record.key())) {
                return record;
            }
        }
        return null;
    }

    @Override
    public void close() {
        consumer.close();
    }
}
