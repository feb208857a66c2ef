package dev.promptjuggler.executor.scheduling;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.promptjuggler.contracts.Priority;
import dev.promptjuggler.executor.support.KafkaSettings;
import dev.promptjuggler.executor.support.TwoSlots;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The run topics' offsets are committed once a second, not after every poll: records arriving one by one, each
 * fetched by a poll of its own and settled at once (unreadable ones are skipped), cost the consumer a commit a
 * second, where they cost one each before.
 */
@QuarkusTest
@TestProfile(TwoSlots.class)
class OffsetCommitsTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final int RECORDS = 30;

    @Inject
    RunTopicsConsumer consumer;

    @Inject
    WorkerId worker;

    @Inject
    MeterRegistry registry;

    @Test
    void recordsArrivingOneByOneAreCommittedOnceASecond() throws Exception {
        await().atMost(PATIENCE).until(consumer::assigned);
        Map<String, Object> settings = KafkaSettings.current();
        settings.put(ProducerConfig.ACKS_CONFIG, "all");
        double before;
        long sent;
        try (var producer = new KafkaProducer<>(settings, new StringSerializer(), new StringSerializer())) {
            // A commit pending from earlier work is out of the way once a second has passed without records.
            Thread.sleep(1_500);
            before = commits();
            long start = System.nanoTime();
            for (int i = 0; i < RECORDS; i++) {
                producer.send(new ProducerRecord<>(Priority.LOW.topic(), UUID.randomUUID().toString(),
                        "not a run request " + i)).get();
                Thread.sleep(100);
            }
            sent = Duration.ofNanos(System.nanoTime() - start).toSeconds();
        }
        // The last records' offsets are committed within a second of being settled.
        await().atMost(PATIENCE).until(() -> commits() > before);
        Thread.sleep(1_500);
        double commits = commits() - before;

        assertTrue(commits <= sent + 3, RECORDS + " records over " + sent + " s took " + commits
                + " commits: offsets are committed at most once a second");
    }

    /** The commit requests the run topics' consumer made (its Kafka client's own count, on /q/metrics). */
    private double commits() {
        FunctionCounter counter = registry.find("kafka.consumer.coordinator.commit.total")
                .tag("client.id", "run-executor-" + worker.value()).functionCounter();
        assertNotNull(counter, "the run consumer's commit count is not registered");
        return counter.count();
    }
}
