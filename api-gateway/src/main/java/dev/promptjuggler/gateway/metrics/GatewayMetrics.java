package dev.promptjuggler.gateway.metrics;

import dev.promptjuggler.contracts.Priority;
import dev.promptjuggler.contracts.RunKind;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * Every meter api-gateway defines on {@code /q/metrics}, in one place (docs/operations.md, "Metrics", lists them;
 * HTTP server meters are Quarkus'). Micrometer's dotted names under {@code gateway.}; the relay's counter keeps
 * the name it was introduced with, {@code pj.gateway.runs.relayed}, which dashboards already read.
 */
@ApplicationScoped
public class GatewayMetrics {

    private final MeterRegistry registry;
    private final Counter relayed;
    private final Timer streamFrameDelay;

    public GatewayMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.relayed = Counter.builder("pj.gateway.runs.relayed")
                .description("Run requests published by the outbox relay because the request path could not")
                .register(registry);
        this.streamFrameDelay = Timer.builder("gateway.stream.frame.delay")
                .description("From run-executor publishing a stream frame to this replica handing it to the open"
                        + " streams of its thread")
                .serviceLevelObjectives(Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
                        Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofSeconds(1))
                .register(registry);
        for (RunKind kind : RunKind.values()) {
            for (Priority priority : Priority.values()) {
                accepted(kind, priority);
            }
        }
        for (Pruned kind : Pruned.values()) {
            prunedCounter(kind);
        }
    }

    /** Rows the retention pruner removed (document bytes: documents whose bytes it dropped). */
    public void pruned(Pruned kind, int rows) {
        prunedCounter(kind).increment(rows);
    }

    private Counter prunedCounter(Pruned kind) {
        return Counter.builder("gateway.pruned").tag("kind", kind.tag)
                .description("What the retention pruner removed, by kind: runs, threads, document_bytes")
                .register(registry);
    }

    /** What the gateway's retention pruner removes. */
    public enum Pruned {
        RUNS("runs"), THREADS("threads"), DOCUMENT_BYTES("document_bytes");

        private final String tag;

        Pruned(String tag) {
            this.tag = tag;
        }
    }

    /** A run stored with its outbox row: accepted, whether or not its request reached the broker yet. */
    public void runAccepted(RunKind kind, Priority priority) {
        accepted(kind, priority).increment();
    }

    /** Run requests the outbox relay published. */
    public void relayed(int runs) {
        relayed.increment(runs);
    }

    /** Open thread streams (SSE subscribers) on this replica, read from {@code hub} at each scrape. */
    public <T> void streamSubscribers(T hub, ToDoubleFunction<T> open) {
        Gauge.builder("gateway.stream.subscribers", hub, open)
                .description("Thread streams (server-sent events) open on this replica")
                .register(registry);
    }

    /**
     * A frame of {@code runs.stream} handed to open streams now, run-executor having published it at
     * {@code publishedAtMillis} (the record's timestamp; the broker's and this host's clocks assumed in step).
     */
    public void streamFrameHandedOut(long publishedAtMillis) {
        streamFrameDelay.record(Math.max(0, System.currentTimeMillis() - publishedAtMillis), TimeUnit.MILLISECONDS);
    }

    private Counter accepted(RunKind kind, Priority priority) {
        return Counter.builder("gateway.runs.accepted").tag("kind", kind.wireName()).tag("priority", priority.wireName())
                .description("Runs accepted (stored, their request published or left to the outbox relay), by kind and priority")
                .register(registry);
    }
}
