package dev.promptjuggler.gateway.stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptjuggler.contracts.StreamFrame;
import dev.promptjuggler.contracts.Topics;
import dev.promptjuggler.gateway.config.StreamConfig;
import dev.promptjuggler.gateway.metrics.GatewayMetrics;
import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Utils;
import org.jboss.logging.Logger;

/**
 * The gateway's side of {@code runs.stream}: one live consumer reads the tip of every partition and fans each
 * frame out to the open streams of its thread; a few catch-up readers serve resumes, each reading one stream's
 * missed frames (assign, seek after the cursor, read to the end offset found at the start) before the stream
 * takes the live feed. Whatever frames a replica serves, it read from Kafka, so any replica serves any thread
 * and a cursor from one resumes on another.
 *
 * <p>No handover gap: a resuming stream joins the live feed before its catch-up starts, and the catch-up reads
 * to an end offset taken after that, so the two overlap rather than leave a hole; {@link Subscription} sends
 * each offset once.
 */
@ApplicationScoped
public class StreamHub {

    private static final Logger LOG = Logger.getLogger(StreamHub.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final long HAND_OFF_WAIT_MS = 2_000;

    private final Map<String, Object> kafka;
    private final StreamConfig config;
    private final ObjectMapper json;
    private final Vertx vertx;
    private final GatewayMetrics metrics;
    private final Map<UUID, Set<Subscription>> byThread = new ConcurrentHashMap<>();
    private final Map<UUID, Set<FrameListener>> listeners = new ConcurrentHashMap<>();
    private final BlockingQueue<CatchUp> catchUps = new LinkedBlockingQueue<>();

    private volatile boolean running;
    private volatile boolean accepting;
    private volatile int partitions;
    private KafkaConsumer<String, byte[]> live;
    private Thread liveThread;
    private List<Thread> readers = List.of();
    private long heartbeatTimer = -1;

    public StreamHub(@Identifier("default-kafka-broker") Map<String, Object> kafka, StreamConfig config,
            ObjectMapper json, Vertx vertx, GatewayMetrics metrics) {
        this.kafka = kafka;
        this.config = config;
        this.json = json;
        this.vertx = vertx;
        this.metrics = metrics;
        metrics.streamSubscribers(this, StreamHub::openStreams);
    }

    private int openStreams() {
        return byThread.values().stream().mapToInt(Set::size).sum();
    }

    void start(@Observes StartupEvent event) {
        running = true;
        accepting = true;
        live = consumer("live");
        List<TopicPartition> all = live.partitionsFor(Topics.RUNS_STREAM).stream()
                .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
        if (all.isEmpty()) {
            throw new IllegalStateException("topic " + Topics.RUNS_STREAM + " does not exist: create it (deploy/)");
        }
        partitions = all.size();
        live.assign(all);
        live.seekToEnd(all);
        // Resolve the positions now: a stream opened from here on sees every frame published after it opened.
        all.forEach(live::position);
        liveThread = new Thread(this::readLive, "stream-live");
        liveThread.start();
        readers = IntStream.range(0, config.catchUpReaders())
                .mapToObj(i -> new Thread(this::catchUp, "stream-catch-up-" + i)).toList();
        readers.forEach(Thread::start);
        heartbeatTimer = vertx.setPeriodic(config.heartbeatInterval().toMillis(),
                id -> byThread.values().forEach(subscriptions -> subscriptions.forEach(Subscription::ping)));
    }

    /**
     * Shutdown's first phase (quarkus.shutdown.delay-enabled): the open streams are asked to reconnect before the
     * server waits for requests in progress, which an open stream would otherwise keep it waiting for.
     */
    void handOff(@Observes ShutdownDelayInitiatedEvent event) {
        handOff();
    }

    void stop(@Observes ShutdownEvent event) {
        handOff();
        running = false;
        if (live != null) {
            live.wakeup();
        }
        readers.forEach(Thread::interrupt);
        join(liveThread);
        readers.forEach(StreamHub::join);
    }

    /**
     * Tells every open stream to reconnect before the HTTP server goes, so clients move on at once and resume
     * from their cursors, here after a restart or on another replica; from now on no stream is opened here.
     */
    private synchronized void handOff() {
        if (!accepting) {
            return;
        }
        accepting = false;
        if (heartbeatTimer >= 0) {
            vertx.cancelTimer(heartbeatTimer);
        }
        List<Future<Void>> ended = byThread.values().stream().flatMap(Set::stream).map(Subscription::handOff).toList();
        try {
            Future.join(ended).toCompletionStage().toCompletableFuture().get(HAND_OFF_WAIT_MS, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.debugf("not every stream confirmed its reconnect frame: %s", e);
        }
    }

    /** False once the gateway is shutting down: a client should then reconnect elsewhere, or here later. */
    public boolean accepting() {
        return accepting;
    }

    /**
     * Starts serving a stream.
     *
     * @param resumeAfter the client's {@code Last-Event-ID}, or empty for a fresh subscription (live tip)
     */
    public Subscription subscribe(Subscription.Target target, Optional<String> resumeAfter) {
        int partition = partitionOf(target.threadId());
        Optional<Cursor> cursor = resumeAfter.flatMap(Cursor::parse);
        boolean usable = cursor.isPresent() && cursor.get().partition() == partition;
        var subscription = new Subscription(target, partition, usable ? cursor.get().offset() : -1,
                resumeAfter.isPresent());
        byThread.computeIfAbsent(target.threadId(), id -> new CopyOnWriteArraySet<>()).add(subscription);
        if (resumeAfter.isPresent()) {
            // A cursor this gateway cannot have issued for this thread resumes nothing: the client starts over
            // from the replay window, told so by the catch-up.
            catchUps.add(new CatchUp(subscription, usable ? cursor.get().offset() + 1 : -1));
        }
        return subscription;
    }

    public void unsubscribe(Subscription subscription) {
        subscription.markClosed();
        byThread.computeIfPresent(subscription.threadId, (id, set) -> {
            set.remove(subscription);
            return set.isEmpty() ? null : set;
        });
    }

    /**
     * Hands the live frames of a thread to {@code listener} from now on, beside the thread's SSE streams: how the
     * gateway itself watches a run it started (the Promptly API's synchronous runs). Frames of every tenant on that
     * thread id reach it; the listener tells them apart.
     */
    public void listen(UUID threadId, FrameListener listener) {
        listeners.computeIfAbsent(threadId, id -> new CopyOnWriteArraySet<>()).add(listener);
    }

    public void unlisten(UUID threadId, FrameListener listener) {
        listeners.computeIfPresent(threadId, (id, set) -> {
            set.remove(listener);
            return set.isEmpty() ? null : set;
        });
    }

    /** Open streams on this replica. */
    public int open() {
        return byThread.values().stream().mapToInt(Set::size).sum();
    }

    /** The partition of a thread's frames: Kafka's default partitioner over the thread id, the record key. */
    private int partitionOf(UUID threadId) {
        return Utils.toPositive(Utils.murmur2(threadId.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                % partitions;
    }

    private void readLive() {
        try {
            while (running) {
                for (ConsumerRecord<String, byte[]> record : live.poll(POLL)) {
                    Optional<UUID> thread = thread(record);
                    Set<Subscription> subscriptions = thread.map(byThread::get).orElse(null);
                    if (subscriptions != null && !subscriptions.isEmpty()) {
                        metrics.streamFrameHandedOut(record.timestamp());
                        frame(record).ifPresent(frame -> subscriptions.forEach(s -> s.live(frame)));
                    }
                    Set<FrameListener> watching = thread.map(listeners::get).orElse(null);
                    if (watching != null && !watching.isEmpty()) {
                        streamFrame(record).ifPresent(frame -> watching.forEach(l -> l.frame(frame)));
                    }
                }
            }
        } catch (WakeupException e) {
            if (running) {
                throw e;
            }
        } catch (RuntimeException e) {
            LOG.error("the live reader of " + Topics.RUNS_STREAM + " stopped; open streams get no frames", e);
        } finally {
            live.close();
        }
    }

    private void catchUp() {
        try (KafkaConsumer<String, byte[]> consumer = consumer("catch-up")) {
            while (running) {
                CatchUp job = catchUps.take();
                if (job.subscription().closed()) {
                    continue;
                }
                try {
                    replay(consumer, job);
                } catch (RuntimeException e) {
                    LOG.warnf("catching up a stream of thread %s failed: %s", job.subscription().threadId, e);
                    job.subscription().drop();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The frames after the cursor up to the end offset of now, then the live feed. */
    private void replay(KafkaConsumer<String, byte[]> consumer, CatchUp job) {
        Subscription subscription = job.subscription();
        var partition = new TopicPartition(Topics.RUNS_STREAM, subscription.partition);
        long begin = consumer.beginningOffsets(List.of(partition)).get(partition);
        long end = consumer.endOffsets(List.of(partition)).get(partition);
        long from = job.from();
        if (from < begin || from > end) {
            // Outside what the topic keeps (retention took it, or the cursor is not of this log): resume from the
            // oldest frame there is, flagged, so the client rebuilds instead of trusting a gap.
            from = begin;
            subscription.stale(new Cursor(subscription.partition, begin - 1));
        }
        consumer.assign(List.of(partition));
        consumer.seek(partition, from);
        while (consumer.position(partition) < end && running && !subscription.closed()) {
            for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                if (record.offset() < end && thread(record).filter(subscription.threadId::equals).isPresent()) {
                    frame(record).ifPresent(subscription::replay);
                }
            }
        }
        subscription.caughtUp();
    }

    private static Optional<UUID> thread(ConsumerRecord<String, byte[]> record) {
        try {
            return Optional.of(UUID.fromString(record.key()));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The SSE event of a record: {@code event} the frame's kind, {@code data} the frame without tenant and thread. */
    private Optional<Frame> frame(ConsumerRecord<String, byte[]> record) {
        try {
            ObjectNode frame = (ObjectNode) json.readTree(record.value());
            UUID tenant = UUID.fromString(frame.remove("tenantId").asText());
            frame.remove("threadId");
            String kind = frame.path("kind").asText();
            String channel = frame.path("channel").asText("");
            String event = "id: " + new Cursor(record.partition(), record.offset()) + "\nevent: " + kind
                    + "\ndata: " + json.writeValueAsString(frame) + "\n\n";
            return Optional.of(new Frame(record.offset(), tenant, channel, Buffer.buffer(event)));
        } catch (Exception e) {
            LOG.warnf("skipping an unreadable record of %s at %d-%d: %s", Topics.RUNS_STREAM, record.partition(),
                    record.offset(), e.toString());
            return Optional.empty();
        }
    }

    private Optional<StreamFrame> streamFrame(ConsumerRecord<String, byte[]> record) {
        try {
            return Optional.of(json.readValue(record.value(), StreamFrame.class));
        } catch (Exception e) {
            LOG.warnf("skipping an unreadable record of %s at %d-%d: %s", Topics.RUNS_STREAM, record.partition(),
                    record.offset(), e.toString());
            return Optional.empty();
        }
    }

    /** A consumer of no group: it reads the partitions it is assigned from the positions it is given. */
    private KafkaConsumer<String, byte[]> consumer(String role) {
        Map<String, Object> properties = new HashMap<>(kafka);
        properties.remove(ConsumerConfig.GROUP_ID_CONFIG);
        properties.remove(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG);
        properties.remove(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG);
        properties.put(ConsumerConfig.CLIENT_ID_CONFIG, "api-gateway-stream-" + role + "-" + UUID.randomUUID());
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        return new KafkaConsumer<>(properties, new StringDeserializer(), new ByteArrayDeserializer());
    }

    private static void join(Thread thread) {
        if (thread == null) {
            return;
        }
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Receives a thread's live frames on the live reader's thread: it must return at once, never block. */
    @FunctionalInterface
    public interface FrameListener {
        void frame(StreamFrame frame);
    }

    /** @param from the first offset the client has not seen; -1 when its cursor is unusable */
    private record CatchUp(Subscription subscription, long from) {
    }
}
