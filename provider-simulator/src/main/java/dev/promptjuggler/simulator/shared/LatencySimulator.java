package dev.promptjuggler.simulator.shared;

import dev.promptjuggler.simulator.SimulatorConfig;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Decides how long a simulated provider takes to answer and applies that delay without blocking any thread
 * (a Mutiny timer, not {@code Thread.sleep}), so thousands of concurrent slow requests are cheap.
 *
 * <p>Shared by every provider format.
 */
@ApplicationScoped
public class LatencySimulator {

    /** Request header that overrides the configured latency for one request, in whole milliseconds. */
    public static final String OVERRIDE_HEADER = "X-Simulator-Latency-Ms";

    /** Largest accepted override: one hour. Anything longer is certainly a mistake. */
    public static final long MAX_OVERRIDE_MS = Duration.ofHours(1).toMillis();

    private final SimulatorConfig config;

    public LatencySimulator(SimulatorConfig config) {
        this.config = config;
    }

    /**
     * Parses the {@value #OVERRIDE_HEADER} header value.
     *
     * @param headerValue the raw header value, may be {@code null} or blank (no override)
     * @return the override in milliseconds, or empty when the header is absent
     * @throws InvalidLatencyOverrideException when the value is not an integer in {@code 0..MAX_OVERRIDE_MS}
     */
    public OptionalLong parseOverride(String headerValue) {
        if (headerValue == null || headerValue.isBlank()) {
            return OptionalLong.empty();
        }
        long ms;
        try {
            ms = Long.parseLong(headerValue.trim());
        } catch (NumberFormatException e) {
            throw new InvalidLatencyOverrideException(headerValue);
        }
        if (ms < 0 || ms > MAX_OVERRIDE_MS) {
            throw new InvalidLatencyOverrideException(headerValue);
        }
        return OptionalLong.of(ms);
    }

    /**
     * The delay for one answer: the override if present, otherwise one draw from the configured distribution.
     */
    public Duration delayFor(OptionalLong override) {
        if (override.isPresent()) {
            return Duration.ofMillis(override.getAsLong());
        }
        SimulatorConfig.Latency latency = config.latency();
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long millis = switch (latency.distribution()) {
            case UNIFORM -> latency.fixedMs() + (latency.jitterMs() > 0 ? random.nextLong(latency.jitterMs() + 1) : 0);
            case NORMAL -> Math.round(latency.meanMs() + latency.stddevMs() * random.nextGaussian());
            case LOGNORMAL -> Math.round(latency.medianMs() * Math.exp(latency.sigma() * random.nextGaussian()));
        };
        return Duration.ofMillis(Math.max(0, Math.min(millis, MAX_OVERRIDE_MS)));
    }

    /** Emits {@code item} after {@code delay}, using a non-blocking timer; immediately when the delay is zero. */
    public <T> Uni<T> delayed(T item, Duration delay) {
        Uni<T> uni = Uni.createFrom().item(item);
        return delay.isZero() ? uni : uni.onItem().delayIt().by(delay);
    }

    /** Thrown by {@link #parseOverride(String)} for an unusable header value. */
    public static final class InvalidLatencyOverrideException extends RuntimeException {
        public InvalidLatencyOverrideException(String value) {
            super("Invalid " + OVERRIDE_HEADER + " header '" + value + "': expected a whole number of milliseconds between 0 and "
                    + MAX_OVERRIDE_MS + ".", null, false, false);
        }
    }
}
