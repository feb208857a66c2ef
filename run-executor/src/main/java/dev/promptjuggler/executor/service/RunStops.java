package dev.promptjuggler.executor.service;

import dev.promptjuggler.executor.config.ExecutorConfig;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link RunStop}s of the runs this worker executes: a cancel request ({@code runs.cancel}) stops the run here if
 * this worker holds it, and each run's deadline stops it when it passes.
 *
 * <p>A cancel request that finds no run here is remembered for {@link #REMEMBERED}: the run may be in the middle of
 * its claim on this worker, whose statement did not see the stored request yet; it is stopped as it starts.
 */
@ApplicationScoped
public class RunStops {

    /** How long a cancel request for a run not (yet) executing here is kept: longer than any claim statement. */
    static final Duration REMEMBERED = Duration.ofMinutes(2);

    private final Vertx vertx;
    private final Duration defaultTimeout;
    private final Map<UUID, RunStop> running = new ConcurrentHashMap<>();
    private final Map<UUID, Instant> cancelledElsewhere = new ConcurrentHashMap<>();

    public RunStops(Vertx vertx, ExecutorConfig config) {
        this.vertx = vertx;
        this.defaultTimeout = config.runTimeout();
    }

    /**
     * Starts watching a run this worker starts executing, on the calling (the run's) Vert.x context: it is stopped
     * as {@link RunStop.Why#TIMED_OUT} once {@code timeout} (else {@code executor.run-timeout}) has passed, and as
     * {@link RunStop.Why#CANCELLED} when a cancel request arrives. {@link #ended} must follow.
     */
    public RunStop started(UUID runId, Optional<Duration> timeout) {
        Context context = vertx.getOrCreateContext();
        RunStop stop = new RunStop(task -> context.runOnContext(ignored -> task.run()));
        running.put(runId, stop);
        long timer = vertx.setTimer(Math.max(1, timeout.orElse(defaultTimeout).toMillis()),
                ignored -> stop.stop(RunStop.Why.TIMED_OUT));
        stop.onEnd(() -> vertx.cancelTimer(timer));
        if (cancelledElsewhere.remove(runId) != null) {
            stop.stop(RunStop.Why.CANCELLED);
        }
        return stop;
    }

    /** The run ended (or this worker gave it up): nothing stops it any more. */
    public void ended(UUID runId) {
        RunStop stop = running.remove(runId);
        if (stop != null) {
            stop.end();
        }
    }

    /**
     * A caller cancelled the run: stopped now if this worker executes it, else remembered for a while.
     *
     * @return whether this worker executes it
     */
    public boolean cancel(UUID runId) {
        RunStop stop = running.get(runId);
        if (stop != null) {
            stop.stop(RunStop.Why.CANCELLED);
            return true;
        }
        Instant now = Instant.now();
        cancelledElsewhere.values().removeIf(at -> at.isBefore(now.minus(REMEMBERED)));
        cancelledElsewhere.put(runId, now);
        // Started between the look and the remembering: it would not look again.
        stop = running.get(runId);
        if (stop != null && cancelledElsewhere.remove(runId) != null) {
            stop.stop(RunStop.Why.CANCELLED);
            return true;
        }
        return false;
    }
}
