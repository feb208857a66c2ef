package dev.promptjuggler.runtime.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RetryAfterTest {

    private static final Instant NOW = Instant.parse("2026-12-03T10:00:00Z");

    @Test
    void deltaSecondsAreAWaitOfThatManySeconds() {
        assertEquals(Duration.ofSeconds(2), RetryAfter.parse("2", NOW));
        assertEquals(Duration.ZERO, RetryAfter.parse("0", NOW));
        assertEquals(Duration.ofSeconds(120), RetryAfter.parse("  120 ", NOW));
        assertEquals(Duration.ofSeconds(999_999_999_999L), RetryAfter.parse("999999999999", NOW));
    }

    @Test
    void aFractionIsReadToTheNanosecond() {
        assertEquals(Duration.ofMillis(1500), RetryAfter.parse("1.5", NOW));
        assertEquals(Duration.ofNanos(1), RetryAfter.parse("0.000000001", NOW));
        assertEquals(Duration.ofMillis(30_250), RetryAfter.seconds("30.25"));
    }

    @Test
    void anHttpDateIsTheWaitUntilThen() {
        assertEquals(Duration.ofSeconds(90), RetryAfter.parse("Thu, 03 Dec 2026 10:01:30 GMT", NOW));
    }

    @Test
    void aDateInThePastMeansNoWait() {
        assertEquals(Duration.ZERO, RetryAfter.parse("Wed, 02 Dec 2026 10:00:00 GMT", NOW));
        assertEquals(Duration.ZERO, RetryAfter.parse("Thu, 03 Dec 2026 10:00:00 GMT", NOW));
    }

    @Test
    void anAbsentOrUnreadableHeaderIsNoHint() {
        assertNull(RetryAfter.parse(null, NOW));
        assertNull(RetryAfter.parse("", NOW));
        assertNull(RetryAfter.parse("   ", NOW));
        assertNull(RetryAfter.parse("soon", NOW));
        assertNull(RetryAfter.parse("-5", NOW));
        assertNull(RetryAfter.parse("1e3", NOW));
        assertNull(RetryAfter.parse("NaN", NOW));
        assertNull(RetryAfter.parse("2.", NOW));
        assertNull(RetryAfter.parse("2026-12-03T10:01:30Z", NOW), "ISO 8601 is not an HTTP date");
    }

    @Test
    void aNumberTooLongForAnyRealWaitIsUnreadableRatherThanOverflowing() {
        assertNull(RetryAfter.parse("9999999999999", NOW));
        assertNull(RetryAfter.parse("99999999999999999999999", NOW));
        assertNull(RetryAfter.parse("1.0000000001", NOW));
    }
}
