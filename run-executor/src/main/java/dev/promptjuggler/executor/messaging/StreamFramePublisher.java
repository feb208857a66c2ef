package dev.promptjuggler.executor.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.promptjuggler.contracts.StreamFrame;
import dev.promptjuggler.contracts.Topics;
import dev.promptjuggler.executor.config.ExecutorConfig;
import dev.promptjuggler.executor.metrics.ExecutorMetrics;
import dev.promptjuggler.executor.scheduling.WorkerId;
import io.quarkus.runtime.Startup;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

/**
 * Publishes the runs' stream frames to {@code runs.stream}, keyed by thread id, fire-and-forget: a run never waits
 * for a frame. One idempotent producer fed by one thread in call order, so the frames of a thread reach their
 * partition in the order they were published (idempotence keeps that order across the producer's own retries with
 * up to five requests in flight). The producer is configured from the service's {@code kafka.*} settings (TLS and
 * SASL included), as the run topics' consumer is.
 *
 * <p>A plain producer rather than a SmallRye channel: {@code send} may block (metadata, a full buffer), so it runs
 * on a thread of its own, never on the event loop that streams the provider's answer. Created at startup, so the
 * producer is connected before the first run streams.
 */
@Startup
@ApplicationScoped
public class StreamFramePublisher {

    private static final Logger LOG = Logger.getLogger(StreamFramePublisher.class);

    private final ObjectMapper json;
    private final KafkaProducer<String, String> producer;
    private final ThreadPoolExecutor sender;
    private final ExecutorMetrics metrics;

    public StreamFramePublisher(ObjectMapper json, ExecutorConfig config, WorkerId worker, ExecutorMetrics metrics,
            @Identifier("default-kafka-broker") Map<String, Object> kafka) {
        this.json = json;
        this.producer = new KafkaProducer<>(properties(kafka, config.stream().linger(), "run-executor-stream-" + worker.value()),
                new StringSerializer(), new StringSerializer());
        this.sender = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(config.stream().maxQueued()), runnable -> {
                    Thread thread = new Thread(runnable, "stream-frames");
                    thread.setDaemon(true);
                    return thread;
                });
        this.metrics = metrics;
    }

    /**
     * The producer's configuration: the service's {@code kafka.*} properties, then what the frames' order needs.
     *
     * @param kafka {@code kafka.*} without the prefix, as Quarkus hands it to SmallRye ({@code default-kafka-broker})
     */
    static Map<String, Object> properties(Map<String, Object> kafka, Duration linger, String clientId) {
        Map<String, Object> properties = new HashMap<>(kafka);
        properties.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        properties.put(ProducerConfig.LINGER_MS_CONFIG, (int) linger.toMillis());
        properties.remove(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG);
        properties.remove(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG);
        return properties;
    }

    /** Queues the frame for the producer; returns at once. */
    public void publish(StreamFrame frame) {
        try {
            sender.execute(() -> send(frame));
        } catch (RejectedExecutionException full) {
            metrics.streamFrameDropped();
        }
    }

    private void send(StreamFrame frame) {
        String value;
        try {
            value = json.writeValueAsString(frame);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stream frame does not serialize", e);
        }
        try {
            producer.send(new ProducerRecord<>(Topics.RUNS_STREAM, frame.threadId().toString(), value), (metadata, failure) -> {
                if (failure != null) {
                    metrics.streamFrameFailed();
                    LOG.debugf("stream frame of run %s not published: %s", frame.runId(), failure.toString());
                }
            });
        } catch (RuntimeException e) {
            metrics.streamFrameFailed();
            LOG.debugf("stream frame of run %s not published: %s", frame.runId(), e.toString());
        }
    }

    /** What is queued is still sent, within a few seconds, before the producer closes. */
    @PreDestroy
    void close() {
        sender.shutdown();
        try {
            sender.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(5));
    }
}
