package dev.promptjuggler.dispatcher.delivery;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.function.DoubleSupplier;

/**
 * When a failed delivery is tried next. Entry {@code i} of the schedule is the wait before attempt
 * {@code i} of a round (the first round starts at fan-out, a replay starts another). Jitter only ever
 * lengthens a wait, so no attempt comes earlier than the schedule says.
 */
public final class RetrySchedule {

    private final List<Duration> delays;
    private final double jitter;
    private final DoubleSupplier random;

    public RetrySchedule(List<Duration> delays, double jitter, DoubleSupplier random) {
        if (delays.isEmpty()) {
            throw new IllegalArgumentException("the retry schedule needs at least one entry");
        }
        this.delays = List.copyOf(delays);
        this.jitter = Math.max(0, jitter);
        this.random = random;
    }

    /**
     * @param failedIndex the index in the round of the attempt that just failed (0 for the first)
     * @return when to try again, or {@code null} when the round is exhausted
     */
    public OffsetDateTime next(int failedIndex, OffsetDateTime now) {
        int nextIndex = failedIndex + 1;
        if (nextIndex >= delays.size()) {
            return null;
        }
        long base = delays.get(nextIndex).toMillis();
        long extra = (long) (base * jitter * random.getAsDouble());
        return now.plus(Duration.ofMillis(base + extra));
    }
}
