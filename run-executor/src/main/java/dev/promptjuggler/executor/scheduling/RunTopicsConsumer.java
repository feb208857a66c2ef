package dev.promptjuggler.executor.scheduling;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.promptjuggler.contracts.Priority;
import dev.promptjuggler.contracts.RunRequested;
import dev.promptjuggler.executor.config.ExecutorConfig;
import dev.promptjuggler.executor.messaging.ConsumerThread;
import dev.promptjuggler.executor.metrics.ExecutorMetrics;
import dev.promptjuggler.runtime.health.Heartbeat;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import dev.promptjuggler.runtime.tracing.TraceParent;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

/**
 * The plain Kafka consumer of {@code runs.onsite}, {@code runs.normal} and {@code runs.low}, on its own thread
 * (SmallRye's channels cannot express the priority scheduler).
 *
 * <p>It moves every fetched record at once into the {@link RunStarter}'s waiting queues and never hands records
 * out in fetch order, so a run fetched from a lower topic never delays an onsite run this worker fetched; onsite
 * records of a poll are queued and dispatched before its lower records are even read. Onsite partitions are never
 * paused behind lower work: only a queue past {@code max-waiting} pauses its own topic, until it is down to half.
 *
 * <p>A record's offset becomes committable once its run is claimed (the lease, its heartbeats and the
 * {@link Sweeper} guarantee it from there) or turned out to need nothing, and committable offsets are committed once a
 * second, so a crash redelivers the records whose run was not yet claimed and at most a second's worth of claimed
 * ones (their claims find them claimed).
 *
 * <p>The consumer is configured like every other Kafka client of the service: from everything under {@code kafka.}
 * (the properties SmallRye's channels get, {@code KAFKA_*} in the environment), so a secured cluster's TLS or SASL
 * settings apply to it unchanged, plus the settings its commit and scheduling rules need ({@link #properties}).
 */
@ApplicationScoped
public class RunTopicsConsumer extends ConsumerThread<String, String> {

    private static final Logger LOG = Logger.getLogger(RunTopicsConsumer.class);
    private static final Duration POLL = Duration.ofMillis(100);
    // A turn takes a poll (100 ms) and the dispatch of what it fetched; a rebalance may hold one for up to the
    // client's default API timeout (60 s).
    private static final Duration SILENCE = Duration.ofSeconds(90);
    // Offsets are committed at most this often (and when partitions are revoked, and at the end): a commit per poll
    // was a request per few runs, and a crash redelivers at most this much more, which the claims make harmless.
    private static final long COMMIT_EVERY_NANOS = Duration.ofSeconds(1).toNanos();

    private final RunStarter starter;
    private final ObjectMapper json;
    private final Map<String, Object> properties;
    private final int maxWaiting;
    private final ExecutorMetrics metrics;
    private final Heartbeat heartbeat = new Heartbeat("run-consumer", SILENCE);

    private final Map<TopicPartition, PartitionProgress> progress = new ConcurrentHashMap<>();
    private final Map<TopicPartition, Long> committed = new HashMap<>();
    private final Set<Priority> paused = EnumSet.noneOf(Priority.class);

    private long lastCommitNanos = System.nanoTime();
    private volatile boolean assigned;
    private KafkaClientMetrics clientMetrics;

    public RunTopicsConsumer(RunStarter starter, ObjectMapper json, ExecutorConfig config, WorkerId worker,
            @Identifier("default-kafka-broker") Map<String, Object> kafka, ExecutorMetrics metrics) {
        this.starter = starter;
        this.metrics = metrics;
        this.json = json;
        this.properties = properties(kafka, config.scheduling().groupId(), config.scheduling().autoOffsetReset(),
                "run-executor-" + worker.value());
        this.maxWaiting = config.scheduling().maxWaiting();
    }

    /**
     * The consumer's configuration: the service's {@code kafka.*} properties (bootstrap servers, security protocol,
     * SASL and TLS settings, ...), then what this consumer's rules need, which no {@code kafka.*} property overrides.
     *
     * @param kafka {@code kafka.*} without the prefix, as Quarkus hands it to SmallRye ({@code default-kafka-broker})
     */
    static Map<String, Object> properties(Map<String, Object> kafka, String groupId, String autoOffsetReset,
            String clientId) {
        Map<String, Object> properties = new HashMap<>(kafka);
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        properties.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        // Offsets are committed by hand once a record's run is claimed (PartitionProgress).
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, autoOffsetReset);
        properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        // Small fetches per partition: a deep low backlog is paused soon after its queue is full.
        properties.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 256 * 1024);
        // A dead worker's partitions move to the others after this long (the default is 45 s).
        properties.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 15_000);
        properties.remove(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG);
        properties.remove(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG);
        return properties;
    }

    /** A consumer of the run topics with {@link #properties} (also the tests' way to build one). */
    static KafkaConsumer<String, String> create(Map<String, Object> properties) {
        return new KafkaConsumer<>(properties, new StringDeserializer(), new StringDeserializer());
    }

    void start(@Observes StartupEvent event) {
        KafkaConsumer<String, String> created = create(properties);
        clientMetrics = metrics.bind(created);
        startPolling("run-consumer", created);
    }

    void stop(@Observes ShutdownEvent event) {
        stopPolling();
    }

    /**
     * Whether the consumer's thread is polling: it is alive and turned its loop within {@link #SILENCE}. False once
     * the thread ended (an error the loop does not survive, an interrupt) or hangs, so that liveness restarts the
     * process; true while stopping.
     */
    public boolean polling() {
        Thread current = thread();
        return !active() || current == null || current.isAlive() && heartbeat.alive();
    }

    /** How long ago the loop last turned (for the liveness check's data). */
    public Duration sinceLastPoll() {
        return heartbeat.sinceLast();
    }

    /** Whether the consumer has its partitions and their positions (tests wait for it before producing). */
    public boolean assigned() {
        return assigned;
    }

    @Override
    protected void begin() {
        consumer.subscribe(Arrays.stream(Priority.values()).map(Priority::topic).toList(), new Rebalance());
    }

    @Override
    protected void turn() {
        heartbeat.beat();
        ConsumerRecords<String, String> records = consumer.poll(POLL);
        // Onsite runs are queued and dispatched before the lower records are even read.
        records.records(Priority.ONSITE.topic()).forEach(this::receive);
        starter.dispatch();
        records.records(Priority.NORMAL.topic()).forEach(this::receive);
        records.records(Priority.LOW.topic()).forEach(this::receive);
        starter.dispatch();
        pauseFullQueues();
        commit();
    }

    @Override
    protected void end() {
        try {
            consumer.commitSync(committable(progress.keySet()));
        } catch (RuntimeException e) {
            LOG.warnf("final offset commit failed: %s", e.toString());
        }
        clientMetrics.close();
    }

    private void receive(ConsumerRecord<String, String> record) {
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        PartitionProgress partitionProgress = progress.computeIfAbsent(partition, p -> new PartitionProgress());
        partitionProgress.received(record.offset());
        RunRequested request;
        try {
            request = json.readValue(record.value(), RunRequested.class);
        } catch (Exception e) {
            LOG.errorf("unreadable run request at %s@%d skipped: %s", partition, record.offset(), e.getMessage());
            partitionProgress.settled(record.offset());
            return;
        }
        Instant receivedAt = Instant.now();
        starter.queue(new WaitingRun(priority(record.topic()), request, partition, record.offset(), partitionProgress,
                TraceParent.context(record.headers()), receivedAt,
                record.timestamp() < 0 ? receivedAt : Instant.ofEpochMilli(record.timestamp())));
    }

    private void pauseFullQueues() {
        for (Priority priority : Priority.values()) {
            int waiting = starter.waiting(priority);
            if (waiting >= maxWaiting) {
                paused.add(priority);
            } else if (waiting <= maxWaiting / 2) {
                paused.remove(priority);
            }
        }
        List<TopicPartition> pause = new ArrayList<>();
        List<TopicPartition> resume = new ArrayList<>();
        for (TopicPartition partition : consumer.assignment()) {
            (paused.contains(priority(partition.topic())) ? pause : resume).add(partition);
        }
        consumer.pause(pause);
        consumer.resume(resume);
    }

    private void commit() {
        long now = System.nanoTime();
        if (now - lastCommitNanos < COMMIT_EVERY_NANOS) {
            return;
        }
        lastCommitNanos = now;
        Map<TopicPartition, OffsetAndMetadata> offsets = committable(progress.keySet());
        offsets.entrySet().removeIf(entry -> committed.get(entry.getKey()) != null
                && committed.get(entry.getKey()) == entry.getValue().offset());
        if (offsets.isEmpty()) {
            return;
        }
        offsets.forEach((partition, offset) -> committed.put(partition, offset.offset()));
        consumer.commitAsync(offsets, (done, failure) -> {
            if (failure != null) {
                LOG.warnf("offset commit failed (the records are redelivered, their claims make that harmless): %s",
                        failure.toString());
                done.keySet().forEach(committed::remove);
            }
        });
    }

    private Map<TopicPartition, OffsetAndMetadata> committable(Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition partition : partitions) {
            PartitionProgress partitionProgress = progress.get(partition);
            long offset = partitionProgress == null ? -1 : partitionProgress.committable();
            if (offset >= 0) {
                offsets.put(partition, new OffsetAndMetadata(offset));
            }
        }
        return offsets;
    }

    private static Priority priority(String topic) {
        for (Priority priority : Priority.values()) {
            if (priority.topic().equals(topic)) {
                return priority;
            }
        }
        throw new IllegalArgumentException("not a run topic: " + topic);
    }

    /** Runs on the consumer thread, inside poll(). */
    private final class Rebalance implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            // Runs not yet started belong to the partitions' next owner; what this worker claimed it finishes.
            starter.drop(waiting -> partitions.contains(waiting.partition()));
            try {
                consumer.commitSync(committable(partitions));
            } catch (RuntimeException e) {
                LOG.warnf("offset commit on revocation failed: %s", e.toString());
            }
            forget(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            starter.drop(waiting -> partitions.contains(waiting.partition()));
            forget(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            // Resolves each partition's starting position now, so "assigned" means records produced from
            // here on will be seen, whatever auto.offset.reset says.
            partitions.forEach(consumer::position);
            assigned = true;
        }

        private void forget(Collection<TopicPartition> partitions) {
            partitions.forEach(partition -> {
                progress.remove(partition);
                committed.remove(partition);
            });
        }
    }
}
