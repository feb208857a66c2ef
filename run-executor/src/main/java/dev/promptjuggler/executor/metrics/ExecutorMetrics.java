package dev.promptjuggler.executor.metrics;

import dev.promptjuggler.contracts.Priority;
import dev.promptjuggler.contracts.RunKind;
import dev.promptjuggler.contracts.RunStatus;
import dev.promptjuggler.executor.client.ProviderException;
import dev.promptjuggler.executor.llm.TokenUsage;
import dev.promptjuggler.executor.service.RunCosts.RunCost;
import dev.promptjuggler.executor.service.UnrunnableRunException.Reason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.ToIntFunction;
import org.apache.kafka.clients.consumer.Consumer;

/**
 * Every meter run-executor reports on {@code /q/metrics}, defined in one place so that names, tags and their
 * values stay consistent (docs/operations.md, "Metrics", lists them). Names are Micrometer's dotted names under
 * {@code executor.}; Prometheus shows them with underscores ({@code executor.runs.finished} is
 * {@code executor_runs_finished_total}). Tag values are bounded sets: priorities, kinds, statuses, providers and
 * the models a tenant configured, never ids.
 */
@ApplicationScoped
public class ExecutorMetrics {

    private final MeterRegistry registry;

    public ExecutorMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (Priority priority : Priority.values()) {
            // Registered at start: the dashboards' histograms exist before the first run.
            queueWait(priority);
            runDuration(priority);
        }
        sweeper("requeued");
        sweeper("renotified");
        for (Reason reason : Reason.values()) {
            abandonedCounter(reason);
        }
        for (RunKind kind : RunKind.values()) {
            costCounter(kind);
        }
        streamFrames("dropped");
        streamFrames("failed");
        for (Pruned kind : Pruned.values()) {
            prunedCounter(kind);
        }
    }

    /** Rows the retention pruner removed. */
    public void pruned(Pruned kind, int rows) {
        prunedCounter(kind).increment(rows);
    }

    private Counter prunedCounter(Pruned kind) {
        return Counter.builder("executor.pruned").tag("kind", kind.tag)
                .description("What the retention pruner removed, by kind: memory")
                .register(registry);
    }

    /** What run-executor's retention pruner removes. */
    public enum Pruned {
        MEMORY("memory");

        private final String tag;

        Pruned(String tag) {
            this.tag = tag;
        }
    }

    /**
     * The scheduler's gauges: runs this worker claimed and has not finished, runs it fetched that wait for a slot,
     * and the slots normal and low runs may hold now (the adaptive cap while onsite runs are about).
     */
    public void scheduling(IntSupplier inFlight, ToIntFunction<Priority> waiting, IntSupplier lowerLimit) {
        Gauge.builder("executor.runs.in.flight", inFlight::getAsInt)
                .description("Runs claimed by this worker and not finished").register(registry);
        Gauge.builder("executor.scheduling.lower.limit", lowerLimit::getAsInt)
                .description("Slots normal and low runs may hold now: the adaptive cap while onsite runs are in flight"
                        + " or waiting, otherwise every slot but the onsite reserve").register(registry);
        for (Priority priority : Priority.values()) {
            Gauge.builder("executor.runs.waiting", () -> waiting.applyAsInt(priority))
                    .tag("priority", priority.wireName())
                    .description("Runs fetched by this worker that wait for a slot").register(registry);
        }
    }

    /** A run ended failed because it can never execute. */
    public void abandoned(Reason reason) {
        abandonedCounter(reason).increment();
    }

    /** A run this worker claimed: how long it waited from its acceptance by api-gateway. */
    public void claimed(Priority priority, Duration sinceAccepted) {
        queueWait(priority).record(sinceAccepted.isNegative() ? Duration.ZERO : sinceAccepted);
    }

    /** A run this worker executed and stored an end for, from its claim to that end. */
    public void finished(RunKind kind, Priority priority, RunStatus status, Duration sinceClaimed) {
        Counter.builder("executor.runs.finished")
                .tag("kind", kind.wireName()).tag("priority", priority.wireName()).tag("status", status.wireName())
                .description("Runs this worker executed to an end, by kind, priority and status")
                .register(registry).increment();
        runDuration(priority).record(sinceClaimed);
    }

    /** One provider call (one attempt) and how it ended. */
    public void providerCall(String provider, String model, Throwable failure, long nanos) {
        Timer.builder("executor.provider.calls")
                .tag("provider", provider).tag("model", model).tag("outcome", outcome(failure))
                .description("Calls to LLM providers (each attempt), by provider, model and outcome")
                .register(registry).record(nanos, TimeUnit.NANOSECONDS);
    }

    /** A failed provider call that is tried again after {@code wait}; {@code hinted}: the provider said how long. */
    public void providerRetry(String provider, String model, Duration wait, boolean hinted) {
        Counter.builder("executor.provider.retries").tag("provider", provider).tag("model", model)
                .description("Provider calls tried again after a retryable failure").register(registry).increment();
        if (hinted) {
            Timer.builder("executor.provider.retry.after").tag("provider", provider)
                    .description("Waits a provider asked for (Retry-After, retry-after-ms, RetryInfo) and that were honoured")
                    .register(registry).record(wait);
        }
    }

    /** Tokens a provider reported for one successful call. */
    public void tokens(String provider, String model, TokenUsage usage) {
        if (usage == null) {
            return;
        }
        tokenCounter(provider, model, "input").increment(usage.input());
        tokenCounter(provider, model, "output").increment(usage.output());
    }

    /** What a finished top-level run cost (nested runs and tool turns included), in the price table's currency. */
    public void cost(RunKind kind, RunCost cost) {
        if (cost == null) {
            return;
        }
        costCounter(kind).increment(cost.total());
    }

    /** A tool the model called; {@code outcome} is the transcript's status ({@code ok}, {@code error}). */
    public void toolCall(String outcome) {
        Counter.builder("executor.tool.calls").tag("outcome", outcome)
                .description("Tool calls made for models, by outcome").register(registry).increment();
    }

    /** A run stopped before its end, by why ({@code cancelled}, {@code timed_out}). */
    public void stopped(String reason) {
        Counter.builder("executor.runs.stopped").tag("reason", reason)
                .description("Runs stopped by a cancel request or their deadline, by reason").register(registry)
                .increment();
    }

    /** One executed visit of a workflow node (stored results reused after a crash are not counted again). */
    public void workflowNode(String type, String status) {
        Counter.builder("executor.workflow.nodes").tag("type", type).tag("status", status)
                .description("Workflow node visits executed, by node type and outcome").register(registry).increment();
    }

    /** A stream frame dropped because too many waited for the producer. */
    public void streamFrameDropped() {
        streamFrames("dropped").increment();
    }

    /** A stream frame the broker did not take. */
    public void streamFrameFailed() {
        streamFrames("failed").increment();
    }

    public void sweptRequeued(int runs) {
        sweeper("requeued").increment(runs);
    }

    public void sweptRenotified(int runs) {
        sweeper("renotified").increment(runs);
    }

    /**
     * Kafka's own client metrics of the run topics' consumer, lag included ({@code kafka_consumer_fetch_manager_records_lag}).
     * Quarkus binds them for SmallRye's clients only; this consumer is built by hand.
     */
    public KafkaClientMetrics bind(Consumer<?, ?> consumer) {
        KafkaClientMetrics metrics = new KafkaClientMetrics(consumer);
        metrics.bindTo(registry);
        return metrics;
    }

    private Counter costCounter(RunKind kind) {
        return Counter.builder("executor.runs.cost").tag("kind", kind.wireName())
                .description("Cost of finished runs as the price table computes it (USD)").register(registry);
    }

    private Counter abandonedCounter(Reason reason) {
        return Counter.builder("executor.runs.abandoned").tag("reason", reason.tag())
                .description("Runs ended failed because they can never execute, by reason").register(registry);
    }

    private Timer queueWait(Priority priority) {
        return Timer.builder("executor.runs.queue.wait").tag("priority", priority.wireName())
                .description("Time from a run's acceptance to its claim by a worker, by priority")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(10)).register(registry);
    }

    private Timer runDuration(Priority priority) {
        return Timer.builder("executor.runs.duration").tag("priority", priority.wireName())
                .description("Time from a run's claim to its stored end, by priority")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(30)).register(registry);
    }

    private Counter tokenCounter(String provider, String model, String type) {
        return Counter.builder("executor.provider.tokens").tag("provider", provider).tag("model", model).tag("type", type)
                .description("Tokens providers reported, by provider, model and type (input, output)").register(registry);
    }

    private Counter sweeper(String action) {
        return Counter.builder("executor.sweeper.runs").tag("action", action)
                .description("Runs the sweeper re-queued (lease expired, never claimed) or whose finished notice it re-sent")
                .register(registry);
    }

    /** {@code ok}, or the failure's kind: {@code no_answer}, {@code rate_limited}, {@code server_error}, {@code client_error}, {@code error}. */
    private static String outcome(Throwable failure) {
        if (failure == null) {
            return "ok";
        }
        if (!(failure instanceof ProviderException provider)) {
            return "error";
        }
        int status = provider.status();
        if (status == 0) {
            return "no_answer";
        }
        if (status == 429) {
            return "rate_limited";
        }
        return status >= 500 ? "server_error" : "client_error";
    }

    private Counter streamFrames(String outcome) {
        return Counter.builder("executor.stream.frames.lost").tag("reason", outcome)
                .description("Frames of runs.stream lost: dropped (too many waited for the producer) or failed (the broker did not take them)")
                .register(registry);
    }
}
