package dev.promptjuggler.executor.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.promptjuggler.contracts.RunCancelRequested;
import dev.promptjuggler.contracts.Topics;
import dev.promptjuggler.executor.scheduling.WorkerId;
import dev.promptjuggler.executor.service.RunStops;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

/**
 * Reads {@code runs.cancel} and stops the runs this worker executes ({@link RunStops}). A run may be executing on
 * any replica, so every replica reads every partition, with no consumer group (nothing to commit): from the topic's
 * end at start. A request missed meanwhile costs nothing lasting: a run is claimed only with its stored cancellation
 * looked at, and one claimed afterwards ends without executing.
 */
@ApplicationScoped
public class RunCancelConsumer extends ConsumerThread<String, String> {

    private static final Logger LOG = Logger.getLogger(RunCancelConsumer.class);
    private static final Duration POLL = Duration.ofMillis(200);

    private final RunStops stops;
    private final ObjectMapper json;
    private final Map<String, Object> properties;
    private volatile boolean assigned;

    public RunCancelConsumer(RunStops stops, ObjectMapper json, WorkerId worker,
            @Identifier("default-kafka-broker") Map<String, Object> kafka) {
        this.stops = stops;
        this.json = json;
        this.properties = properties(kafka, "run-executor-cancel-" + worker.value());
    }

    /** The service's {@code kafka.*} properties (security included), as a consumer of no group. */
    static Map<String, Object> properties(Map<String, Object> kafka, String clientId) {
        Map<String, Object> properties = new HashMap<>(kafka);
        properties.remove(ConsumerConfig.GROUP_ID_CONFIG);
        properties.remove(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG);
        properties.remove(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG);
        properties.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        return properties;
    }

    void start(@Observes StartupEvent event) {
        startPolling("run-cancel-consumer",
                new KafkaConsumer<>(properties, new StringDeserializer(), new StringDeserializer()));
    }

    void stop(@Observes ShutdownEvent event) {
        stopPolling();
    }

    /** Whether it reads every partition from a known position (tests wait for it before cancelling). */
    public boolean assigned() {
        return assigned;
    }

    /** Every partition, from its end; the positions are looked up now, so no request published after is skipped. */
    @Override
    protected void begin() throws InterruptedException {
        while (active()) {
            try {
                List<TopicPartition> all = consumer.partitionsFor(Topics.RUNS_CANCEL).stream()
                        .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
                if (!all.isEmpty()) {
                    consumer.assign(all);
                    consumer.seekToEnd(all);
                    all.forEach(consumer::position);
                    assigned = true;
                    return;
                }
                LOG.warnf("topic %s has no partitions yet; looking again in 1 s", Topics.RUNS_CANCEL);
            } catch (WakeupException e) {
                throw e;
            } catch (RuntimeException e) {
                LOG.warnf("cancel consumer cannot read %s yet: %s; trying again in 1 s", Topics.RUNS_CANCEL, e.toString());
            }
            Thread.sleep(1000);
        }
    }

    @Override
    protected void turn() {
        consumer.poll(POLL).forEach(this::receive);
    }

    private void receive(ConsumerRecord<String, String> record) {
        try {
            RunCancelRequested request = json.readValue(record.value(), RunCancelRequested.class);
            if (stops.cancel(request.runId())) {
                LOG.infof("run %s: cancel requested, stopping it", request.runId());
            }
        } catch (Exception e) {
            LOG.warnf("skipping an unreadable record of %s at offset %d: %s", Topics.RUNS_CANCEL, record.offset(),
                    e.toString());
        }
    }
}
