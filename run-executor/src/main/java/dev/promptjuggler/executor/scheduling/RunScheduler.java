package dev.promptjuggler.executor.scheduling;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.promptjuggler.contracts.Priority;
import dev.promptjuggler.contracts.RunRequested;
import dev.promptjuggler.executor.config.ExecutorConfig;
import dev.promptjuggler.executor.persistence.RunLeaseStore;
import dev.promptjuggler.executor.persistence.RunLeaseStore.ClaimedRun;
import dev.promptjuggler.executor.service.RunExecutionService;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Takes runs from {@code runs.onsite}, {@code runs.normal} and {@code runs.low} with priority, under a
 * bounded number of runs in flight.
 *
 * <p>One Kafka consumer on its own thread polls the three topics and moves every fetched record into
 * this worker's waiting queues at once (a queue per priority, {@link PriorityQueues}); it never hands
 * records out in fetch order. Whenever a slot is free, the next run is picked from the queues: onsite
 * before normal before low, with aging so lower work still progresses. A run fetched from a lower topic
 * therefore never delays an onsite run this worker has fetched, and onsite partitions are never paused
 * behind lower work: only a queue past {@code max-waiting} pauses its own topic.
 *
 * <p>A started run is first claimed in PostgreSQL (lease); its record's offset becomes committable once
 * the claim is durable or the run turned out to need nothing. From then on the lease, its heartbeats and
 * the {@link Sweeper} guarantee the run, so a crash redelivers only records whose run was not yet claimed.
 */
@ApplicationScoped
public class RunScheduler {

    private static final Logger LOG = Logger.getLogger(RunScheduler.class);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration RETRY_MIN = Duration.ofMillis(500);
    private static final Duration RETRY_MAX = Duration.ofSeconds(30);
    private static final int EXECUTE_RETRIES = 5;
    /**
     * Claim statements in flight at once: one fills slots while the previous one's runs start. One more, of
     * onsite runs only, may run beside them; the claims pool has a connection for each (application.properties).
     */
    private static final int CLAIMS_AT_ONCE = 2;

    private final RunExecutionService executions;
    private final RunLeaseStore leases;
    private final ObjectMapper json;
    private final ExecutorConfig config;
    private final String bootstrapServers;
    private final String worker;

    private final Object lock = new Object();
    private final PriorityQueues<Waiting> queues;
    private int inFlight;
    /** Onsite runs among {@link #inFlight}. */
    private int onsiteInFlight;
    private int claiming;
    private boolean expressClaiming;
    private final Set<UUID> running = ConcurrentHashMap.newKeySet();
    private final Map<TopicPartition, PartitionProgress> progress = new ConcurrentHashMap<>();
    private final Map<TopicPartition, Long> committed = new HashMap<>();
    private final Set<Priority> paused = java.util.EnumSet.noneOf(Priority.class);

    private volatile boolean active;
    private volatile boolean assigned;
    private KafkaConsumer<String, String> consumer;
    private Thread thread;

    public RunScheduler(RunExecutionService executions, RunLeaseStore leases, ObjectMapper json, ExecutorConfig config,
            WorkerId worker, MeterRegistry registry,
            @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrapServers) {
        this.executions = executions;
        this.leases = leases;
        this.json = json;
        this.config = config;
        this.bootstrapServers = bootstrapServers;
        this.worker = worker.value();
        this.queues = new PriorityQueues<>(config.scheduling().agingBypasses());
        double share = config.scheduling().lowerShareWhileOnsite();
        if (!(share > 0 && share <= 1)) {
            throw new IllegalArgumentException("executor.scheduling.lower-share-while-onsite must be above 0 and at most 1, not "
                    + share);
        }
        Gauge.builder("executor.runs.in.flight", this, RunScheduler::inFlight)
                .description("Runs claimed by this worker and not finished").register(registry);
        for (Priority priority : Priority.values()) {
            Gauge.builder("executor.runs.waiting", this, scheduler -> scheduler.waiting(priority))
                    .tag("priority", priority.wireName())
                    .description("Runs fetched by this worker that wait for a slot").register(registry);
        }
    }

    /** A fetched run waiting for a slot, with the record that brought it. */
    private record Waiting(TopicPartition partition, long offset, RunRequested request) {
    }

    void start(@Observes StartupEvent event) {
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, config.scheduling().groupId());
        properties.put(ConsumerConfig.CLIENT_ID_CONFIG, "run-executor-" + worker);
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, config.scheduling().autoOffsetReset());
        properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        // Small fetches per partition: a deep low backlog is paused soon after its queue is full.
        properties.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 256 * 1024);
        // A dead worker's partitions move to the others after this long (the default is 45 s).
        properties.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 15_000);
        consumer = new KafkaConsumer<>(properties, new StringDeserializer(), new StringDeserializer());
        active = true;
        thread = new Thread(this::loop, "run-scheduler");
        thread.start();
    }

    void stop(@Observes ShutdownEvent event) {
        active = false;
        if (consumer != null) {
            consumer.wakeup();
        }
        if (thread != null) {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Runs this worker fetched that wait for a slot. */
    public int waiting(Priority priority) {
        synchronized (lock) {
            return queues.waiting(priority);
        }
    }

    /** Runs this worker claimed and has not finished. */
    public int inFlight() {
        synchronized (lock) {
            return inFlight;
        }
    }

    /** Whether the consumer has its partitions and their positions (tests wait for it before producing). */
    public boolean assigned() {
        return assigned;
    }

    private void loop() {
        List<String> topics = Arrays.stream(Priority.values()).map(Priority::topic).toList();
        try {
            consumer.subscribe(topics, new Rebalance());
            while (active) {
                try {
                    ConsumerRecords<String, String> records = consumer.poll(POLL);
                    // Onsite runs are queued and dispatched before the lower records are even read.
                    records.records(Priority.ONSITE.topic()).forEach(this::receive);
                    dispatch();
                    records.records(Priority.NORMAL.topic()).forEach(this::receive);
                    records.records(Priority.LOW.topic()).forEach(this::receive);
                    dispatch();
                    pauseFullQueues();
                    commit();
                } catch (WakeupException e) {
                    throw e;
                } catch (RuntimeException e) {
                    // The consumer must outlive a bad moment; what it missed, redelivery or the sweeper brings.
                    LOG.errorf(e, "run consumer: %s; polling again in 1 s", e.toString());
                    Thread.sleep(1000);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (WakeupException e) {
            if (active) {
                LOG.error("run consumer woken up while active", e);
            }
        } catch (RuntimeException e) {
            LOG.error("run consumer stopped", e);
        } finally {
            try {
                consumer.commitSync(committable(progress.keySet()));
            } catch (RuntimeException e) {
                LOG.warnf("final offset commit failed: %s", e.toString());
            }
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void receive(ConsumerRecord<String, String> record) {
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        PartitionProgress partitionProgress = progress.computeIfAbsent(partition, p -> new PartitionProgress());
        partitionProgress.received(record.offset());
        Priority priority = priority(record.topic());
        RunRequested request;
        try {
            request = json.readValue(record.value(), RunRequested.class);
        } catch (Exception e) {
            LOG.errorf("unreadable run request at %s@%d skipped: %s", partition, record.offset(), e.getMessage());
            partitionProgress.settled(record.offset());
            return;
        }
        synchronized (lock) {
            queues.add(priority, new Waiting(partition, record.offset(), request));
        }
    }

    /**
     * Fills free slots from the queues, in claim statements of up to {@code claim-batch} runs, at most
     * {@link #CLAIMS_AT_ONCE} statements at a time, plus one statement of onsite runs only when those are busy.
     * Normal and low runs never take the last {@code onsite-reserve} slots. Called by the consumer thread,
     * whenever a claim statement completes and whenever a run ends.
     */
    private void dispatch() {
        List<List<Waiting>> batches = new ArrayList<>();
        List<Waiting> express = List.of();
        synchronized (lock) {
            while (claiming < CLAIMS_AT_ONCE && inFlight < config.maxInFlight()) {
                List<Waiting> batch = take(false);
                if (batch.isEmpty()) {
                    break;
                }
                claiming++;
                batches.add(batch);
            }
            if (!expressClaiming && queues.waiting(Priority.ONSITE) > 0 && inFlight < config.maxInFlight()) {
                // Both claim statements are busy (with lower runs): onsite does not queue behind them.
                express = take(true);
                expressClaiming = !express.isEmpty();
            }
        }
        batches.forEach(batch -> begin(batch, false));
        if (!express.isEmpty()) {
            begin(express, true);
        }
    }

    /**
     * Up to claim-batch waiting runs of one priority for one claim statement: an onsite run never waits for a
     * statement that claims a hundred low runs. Lower work leaves the onsite reserve free, and while onsite runs are
     * in flight or waiting it holds at most its share of the slots ({@code lower-share-while-onsite}). Under the lock.
     */
    private List<Waiting> take(boolean onsiteOnly) {
        List<Waiting> batch = new ArrayList<>();
        Priority batchPriority = null;
        while (batch.size() < config.scheduling().claimBatch() && inFlight < config.maxInFlight()) {
            Priority lowest = onsiteOnly || inFlight - onsiteInFlight >= lowerWorkLimit() ? Priority.ONSITE : Priority.LOW;
            Priority priority = queues.nextPriority(lowest);
            if (priority == null || (batchPriority != null && priority != batchPriority)) {
                break;
            }
            batchPriority = priority;
            Waiting next = queues.next(lowest);
            inFlight++;
            if (priority == Priority.ONSITE) {
                onsiteInFlight++;
            }
            batch.add(next);
        }
        return batch;
    }

    /** Slots normal and low runs may hold now. Under the lock. */
    private int lowerWorkLimit() {
        int limit = config.maxInFlight() - Math.min(config.scheduling().onsiteReserve(), config.maxInFlight() - 1);
        if (onsiteInFlight > 0 || queues.waiting(Priority.ONSITE) > 0) {
            limit = Math.min(limit, (int) (config.maxInFlight() * config.scheduling().lowerShareWhileOnsite()));
        }
        return limit;
    }

    private void begin(List<Waiting> batch, boolean express) {
        List<UUID> runIds = batch.stream().map(waiting -> waiting.request().runId()).toList();
        leases.claim(runIds)
                .onFailure(failure -> active).retry().withBackOff(RETRY_MIN, RETRY_MAX).indefinitely()
                .subscribe().with(claimed -> {
                    int unclaimed = 0;
                    int unclaimedOnsite = 0;
                    for (Waiting waiting : batch) {
                        settle(waiting);
                        // remove: a request delivered twice into one batch runs once.
                        ClaimedRun run = claimed.remove(waiting.request().runId());
                        if (run == null) {
                            LOG.debugf("run %s is finished, held by another worker or waits for its lane; nothing to do",
                                    waiting.request().runId());
                            unclaimed++;
                            if (isOnsite(waiting)) {
                                unclaimedOnsite++;
                            }
                        } else {
                            execute(waiting, run);
                        }
                    }
                    synchronized (lock) {
                        release(express);
                        inFlight -= unclaimed;
                        onsiteInFlight -= unclaimedOnsite;
                    }
                    if (active) {
                        dispatch();
                    }
                }, failure -> {
                    // Only when shutting down: the records stay unsettled and are redelivered.
                    LOG.warnf("claiming %d run(s) failed: %s", batch.size(), failure.toString());
                    synchronized (lock) {
                        release(express);
                        inFlight -= batch.size();
                        onsiteInFlight -= (int) batch.stream().filter(RunScheduler::isOnsite).count();
                    }
                });
    }

    /** A claim statement ended. Under the lock. */
    private void release(boolean express) {
        if (express) {
            expressClaiming = false;
        } else {
            claiming--;
        }
    }

    private void execute(Waiting waiting, ClaimedRun claimed) {
        UUID runId = waiting.request().runId();
        running.add(runId);
        // Provider failures end as failed runs inside execute(); what fails here is infrastructure. A retry reads
        // the run again (its outcome may be stored already); after a few tries the run is left to its lease and
        // the sweeper.
        AtomicBoolean first = new AtomicBoolean(true);
        Uni.createFrom().deferred(() -> first.getAndSet(false)
                        ? executions.execute(claimed) : executions.execute(waiting.request()))
                .onFailure().invoke(failure -> LOG.warnf("run %s: %s; retrying", runId, failure.getMessage()))
                .onFailure(failure -> active).retry().withBackOff(RETRY_MIN, RETRY_MAX).atMost(EXECUTE_RETRIES)
                .subscribe().with(done -> end(runId, isOnsite(waiting)), failure -> {
                    LOG.errorf("run %s left to the sweeper: %s", runId, failure.toString());
                    end(runId, isOnsite(waiting));
                });
    }

    private static boolean isOnsite(Waiting waiting) {
        return priority(waiting.partition().topic()) == Priority.ONSITE;
    }

    private void end(UUID runId, boolean onsite) {
        running.remove(runId);
        synchronized (lock) {
            inFlight--;
            if (onsite) {
                onsiteInFlight--;
            }
        }
        if (active) {
            dispatch();
        }
    }

    private void settle(Waiting waiting) {
        PartitionProgress partitionProgress = progress.get(waiting.partition());
        if (partitionProgress != null) {
            partitionProgress.settled(waiting.offset());
        }
    }

    @Scheduled(every = "${executor.lease.heartbeat:10s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> heartbeat() {
        return leases.heartbeat(List.copyOf(running)).onFailure().recoverWithItem(failure -> {
            LOG.warnf("extending the leases of %d run(s) failed: %s", running.size(), failure.toString());
            return null;
        });
    }

    private void pauseFullQueues() {
        int max = config.scheduling().maxWaiting();
        for (Priority priority : Priority.values()) {
            int waiting = waiting(priority);
            if (waiting >= max) {
                paused.add(priority);
            } else if (waiting <= max / 2) {
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
            synchronized (lock) {
                queues.removeIf(waiting -> partitions.contains(waiting.partition()));
            }
            try {
                consumer.commitSync(committable(partitions));
            } catch (RuntimeException e) {
                LOG.warnf("offset commit on revocation failed: %s", e.toString());
            }
            partitions.forEach(partition -> {
                progress.remove(partition);
                committed.remove(partition);
            });
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            synchronized (lock) {
                queues.removeIf(waiting -> partitions.contains(waiting.partition()));
            }
            partitions.forEach(partition -> {
                progress.remove(partition);
                committed.remove(partition);
            });
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            // Resolves each partition's starting position now, so "assigned" means records produced from
            // here on will be seen, whatever auto.offset.reset says.
            partitions.forEach(consumer::position);
            assigned = true;
        }
    }
}
