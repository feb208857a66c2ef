package dev.promptjuggler.dispatcher.metrics;

import dev.promptjuggler.dispatcher.client.AttemptResult;
import dev.promptjuggler.dispatcher.delivery.ClaimedDelivery;
import dev.promptjuggler.dispatcher.persistence.QueueStatistics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import org.jboss.logging.Logger;

/**
 * Every meter webhook-dispatcher reports on {@code /q/metrics}, defined in one place (docs/operations.md,
 * "Metrics", lists them). Micrometer's dotted names under {@code webhook.}; Prometheus shows them with underscores.
 * The queue and endpoint gauges are read from the shared tables every {@link #REFRESH}, so each replica reports
 * the platform's figures (dashboards take their {@code max}).
 */
@ApplicationScoped
public class DispatcherMetrics {

    private static final Logger LOG = Logger.getLogger(DispatcherMetrics.class);
    private static final Duration REFRESH = Duration.ofSeconds(15);
    private static final List<String> UNHEALTHY = List.of("open", "disabled");

    private final MeterRegistry registry;
    private final QueueStatistics statistics;
    private final Vertx vertx;
    private final Map<String, AtomicLong> queued = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> endpoints = new ConcurrentHashMap<>();
    private long timer = -1;

    public DispatcherMetrics(MeterRegistry registry, QueueStatistics statistics, Vertx vertx) {
        this.registry = registry;
        this.statistics = statistics;
        this.vertx = vertx;
        for (String status : QueueStatistics.QUEUED) {
            Gauge.builder("webhook.deliveries.queued", queued.computeIfAbsent(status, s -> new AtomicLong()), AtomicLong::get)
                    .tag("status", status)
                    .description("Deliveries not finished, by status (all replicas' queue, read from the database)")
                    .register(registry);
        }
        for (String state : UNHEALTHY) {
            Gauge.builder("webhook.endpoints", endpoints.computeIfAbsent(state, s -> new AtomicLong()), AtomicLong::get)
                    .tag("state", state)
                    .description("Endpoints whose circuit is open or that are disabled (read from the database)")
                    .register(registry);
        }
        failedCounter("abandoned");
        abandonedCounter();
    }

    void start(@Observes StartupEvent event) {
        refresh();
        timer = vertx.setPeriodic(REFRESH.toMillis(), id -> refresh());
    }

    void stop(@Observes ShutdownEvent event) {
        vertx.cancelTimer(timer);
    }

    /** Attempts this replica has in flight. */
    public void inFlight(IntSupplier attempts) {
        Gauge.builder("webhook.deliveries.in_flight", attempts::getAsInt)
                .description("Attempts this replica has in flight").register(registry);
    }

    /** An answered attempt: its latency by outcome, first attempts apart ({@code first="true"}). */
    public void attempted(ClaimedDelivery delivery, AttemptResult result) {
        Timer.builder("webhook.attempts")
                .tag("outcome", result.succeeded() ? "delivered" : result.errorClass())
                .tag("first", Boolean.toString(delivery.attempt() == 1))
                .description("Webhook delivery attempts, by outcome; first=\"true\" for a delivery's first attempt")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(1))
                .register(registry)
                .record(result.latencyMs(), TimeUnit.MILLISECONDS);
    }

    /**
     * Deliveries that ended {@code failed}: out of attempts ({@code reason} is the last attempt's error class),
     * {@code abandoned} (leased too often without a recorded attempt) or {@code endpoint_deleted}.
     */
    public void failed(String reason, int deliveries) {
        failedCounter(reason).increment(deliveries);
    }

    /** Deliveries failed because every dispatcher that leased them stopped before recording an attempt. */
    public void abandoned(int deliveries) {
        abandonedCounter().increment(deliveries);
        failed("abandoned", deliveries);
    }

    private Counter abandonedCounter() {
        return Counter.builder("webhook.deliveries.abandoned").tag("reason", "max_claims")
                .description("Deliveries failed because every dispatcher that leased them stopped before recording an attempt")
                .register(registry);
    }

    private Counter failedCounter(String reason) {
        return Counter.builder("webhook.deliveries.failed").tag("reason", reason)
                .description("Deliveries that ended failed, by reason").register(registry);
    }

    private void refresh() {
        statistics.deliveriesByStatus().subscribe().with(
                counts -> counts.forEach((status, count) -> queued.get(status).set(count)),
                failure -> LOG.debugf("reading the queue's depth failed: %s", failure.toString()));
        statistics.endpointsByState().subscribe().with(
                counts -> UNHEALTHY.forEach(state -> endpoints.get(state).set(counts.getOrDefault(state, 0L))),
                failure -> LOG.debugf("reading the endpoints' states failed: %s", failure.toString()));
    }
}
