package dev.promptjuggler.ingest.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * Every meter knowledge-ingest reports on {@code /q/metrics}, defined in one place (docs/operations.md, "Metrics",
 * lists them). Micrometer's dotted names under {@code ingest.}; Prometheus shows them with underscores. The
 * backlog is the {@code knowledge-uploads} consumer group's lag (Kafka's client metrics, bound by Quarkus) plus
 * the documents in work ({@code ingest.documents.in.work}).
 */
@ApplicationScoped
public class IngestMetrics {

    /** The {@code reason} tags of {@code ingest.documents.abandoned}. */
    public static final List<String> ABANDONED_REASONS = List.of("unreadable", "embedding_refused", "max_claims");

    private final MeterRegistry registry;

    public IngestMetrics(MeterRegistry registry) {
        this.registry = registry;
        ABANDONED_REASONS.forEach(this::abandonedCounter);
        finishedCounter("ready");
        finishedCounter("failed");
        sweptCounter();
        batchTimer();
    }

    /** Documents this instance is working on. */
    public void inWork(IntSupplier documents) {
        Gauge.builder("ingest.documents.in.work", documents::getAsInt)
                .description("Documents this instance is processing").register(registry);
    }

    /** A document reached its final state ({@code ready} or {@code failed}) through this instance. */
    public void finished(String status) {
        finishedCounter(status).increment();
    }

    /** A document ended failed because it can never be processed; {@code reason} is one of {@link #ABANDONED_REASONS}. */
    public void abandoned(String reason) {
        abandonedCounter(reason).increment();
    }

    /** One batch of chunks embedded (in process or by the embeddings endpoint). */
    public void embedded(Duration took) {
        batchTimer().record(took);
    }

    /** Documents the sweeper took up again (lease expired, event never published, notice owed). */
    public void swept(int documents) {
        sweptCounter().increment(documents);
    }

    private Counter finishedCounter(String status) {
        return Counter.builder("ingest.documents.finished").tag("status", status)
                .description("Documents that reached their final state, by status").register(registry);
    }

    private Counter abandonedCounter(String reason) {
        return Counter.builder("ingest.documents.abandoned").tag("reason", reason)
                .description("Documents ended failed because they can never be processed, by reason").register(registry);
    }

    private Counter sweptCounter() {
        return Counter.builder("ingest.sweeper.documents")
                .description("Documents the sweeper took up again").register(registry);
    }

    private Timer batchTimer() {
        return Timer.builder("ingest.embedding.batch")
                .description("Time to embed one batch of chunks")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(2)).register(registry);
    }
}
