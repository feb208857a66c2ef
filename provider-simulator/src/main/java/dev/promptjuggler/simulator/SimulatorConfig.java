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
     * Simulated provider latency. It is applied to successful answers only (errors are returned immediately) and is
     * a non-blocking timer, so many concurrent slow requests cost no threads. A request header
     * {@code X-Simulator-Latency-Ms} replaces the configured latency for that one request.
     */
    Latency latency();

    /**
     * Streamed answers ({@code "stream": true}, Gemini's {@code streamGenerateContent}): the simulated latency passes
     * before the first chunk, then this between chunks. A request header {@code X-Simulator-Chunk-Delay-Ms}
     * replaces it for that one request.
     */
    Stream stream();

    /** Streaming settings. */
    interface Stream {

        /** Delay in milliseconds between two chunks of a streamed answer. Default 0. */
        @WithDefault("0")
        @PositiveOrZero
        long chunkDelayMs();
    }

    /** How answer delays are drawn. */
    enum Distribution {
        /** {@code fixed-ms + uniform(0..jitter-ms)}; with no jitter, a fixed delay. */
        UNIFORM,
        /** {@code normal(mean-ms, stddev-ms)}, never below 0. */
        NORMAL,
        /** {@code median-ms * exp(sigma * normal(0, 1))}: the long right tail real providers show. */
        LOGNORMAL
    }

    /** Simulated latency settings. */
    interface Latency {

        /** Which distribution delays are drawn from. Default {@code uniform}. */
        @WithDefault("uniform")
        Distribution distribution();

        /** uniform: fixed delay in milliseconds before every successful answer. Default 0 (no delay). */
        @WithDefault("0")
        @PositiveOrZero
        long fixedMs();

        /** uniform: upper bound (inclusive) of a uniformly distributed extra delay on top of {@link #fixedMs()}. */
        @WithDefault("0")
        @PositiveOrZero
        long jitterMs();

        /** normal: the mean delay in milliseconds. */
        @WithDefault("0")
        @PositiveOrZero
        long meanMs();

        /** normal: the standard deviation in milliseconds. */
        @WithDefault("0")
        @PositiveOrZero
        long stddevMs();

        /** lognormal: the median delay in milliseconds. */
        @WithDefault("0")
        @PositiveOrZero
        long medianMs();

        /** lognormal: the standard deviation of the delay's logarithm (0.5: p99 is about 3.2 times the median). */
        @WithDefault("0.5")
        @PositiveOrZero
        double sigma();
    }
}
