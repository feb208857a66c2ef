package dev.promptjuggler.simulator;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.PositiveOrZero;

/**
 * Configuration of the provider simulator (a development tool that fakes LLM providers).
 *
 * <p>All keys live under the {@code simulator.} prefix, e.g. {@code simulator.latency.fixed-ms=250}
 * in {@code application.properties} or {@code SIMULATOR_LATENCY_FIXED_MS=250} in the environment.
 */
@ConfigMapping(prefix = "simulator")
public interface SimulatorConfig {

    /**
     * Simulated provider latency. It is applied to successful answers only (errors such as 400/401 are
     * returned immediately) and is a non-blocking timer, so many concurrent slow requests cost no threads.
     * A request header {@code X-Simulator-Latency-Ms} replaces the whole configured latency (fixed and jitter)
     * for that one request.
     */
    Latency latency();

    /** Simulated latency settings. */
    interface Latency {

        /**
         * Fixed delay in milliseconds before every successful simulated answer. Default 0 (no delay).
         */
        @WithDefault("0")
        @PositiveOrZero
        long fixedMs();

        /**
         * Upper bound in milliseconds (inclusive) of a uniformly distributed random extra delay added on top of
         * {@link #fixedMs()}: each answer waits {@code fixed-ms + uniform(0..jitter-ms)}. Default 0 (no jitter).
         */
        @WithDefault("0")
        @PositiveOrZero
        long jitterMs();
    }
}
