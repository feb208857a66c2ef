package dev.promptjuggler.dispatcher.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetryScheduleTest {

    private static final OffsetDateTime NOW = OffsetDateTime.of(2026, 11, 22, 18, 0, 0, 0, ZoneOffset.UTC);
    private static final List<Duration> DEFAULT = List.of(Duration.ZERO, Duration.ofSeconds(5), Duration.ofMinutes(5),
            Duration.ofMinutes(30), Duration.ofHours(2), Duration.ofHours(5), Duration.ofHours(10), Duration.ofHours(14),
            Duration.ofHours(20), Duration.ofHours(24));

    @Test
    void followsTheScheduleAndEndsWithIt() {
        RetrySchedule schedule = new RetrySchedule(DEFAULT, 0.1, () -> 0.0);

        assertEquals(NOW.plusSeconds(5), schedule.next(0, NOW));
        assertEquals(NOW.plusMinutes(5), schedule.next(1, NOW));
        assertEquals(NOW.plusHours(24), schedule.next(8, NOW));
        assertNull(schedule.next(9, NOW), "ten attempts, then the delivery has failed");
    }

    @Test
    void jitterOnlyDelays() {
        RetrySchedule most = new RetrySchedule(DEFAULT, 0.1, () -> 0.999_999);

        assertEquals(NOW.plusMinutes(5).plusSeconds(29).plusNanos(999_000_000L), most.next(1, NOW));
        for (int i = 0; i < 9; i++) {
            OffsetDateTime jittered = new RetrySchedule(DEFAULT, 0.1, Math::random).next(i, NOW);
            OffsetDateTime exact = NOW.plus(DEFAULT.get(i + 1));
            assertEquals(false, jittered.isBefore(exact), "attempt " + (i + 2));
        }
    }
}
