package dev.promptjuggler.dispatcher.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.promptjuggler.dispatcher.client.AttemptResult;
import dev.promptjuggler.dispatcher.delivery.FailurePolicy.Decision;
import dev.promptjuggler.dispatcher.delivery.FailurePolicy.Outcome;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Every rule of what a failed attempt means, one case each (settings as in production, a shorter schedule). */
class FailurePolicyTest {

    private static final OffsetDateTime NOW = OffsetDateTime.of(2026, 12, 3, 12, 0, 0, 0, ZoneOffset.UTC);
    private static final Duration FIRST_PROBE = Duration.ofSeconds(5);
    private static final Duration MAX_PROBE = Duration.ofMinutes(10);
    private static final Duration DISABLE_AFTER = Duration.ofDays(5);
    private static final Duration MAX_RETRY_AFTER = Duration.ofHours(6);

    /** Three attempts: the first at once, then after 5 s, then after a minute. */
    private static final FailurePolicy POLICY = new FailurePolicy(
            new RetrySchedule(List.of(Duration.ZERO, Duration.ofSeconds(5), Duration.ofMinutes(1)), 0, () -> 0.0),
            5, FIRST_PROBE, MAX_PROBE, DISABLE_AFTER, MAX_RETRY_AFTER);

    private static final EndpointHealth UNKNOWN = new EndpointHealth(false, 0, null, null, null, null, null, null);

    private static EndpointHealth failing(int failures) {
        return new EndpointHealth(false, failures, null, null, null, null, null, null);
    }

    private static EndpointHealth open(OffsetDateTime openedAt, Duration probeInterval, OffsetDateTime nextProbeAt) {
        return new EndpointHealth(true, 7, openedAt, nextProbeAt, probeInterval, null, null, null);
    }

    private static EndpointHealth pausedUntil(OffsetDateTime until) {
        return new EndpointHealth(false, 1, null, null, null, until, null, null);
    }

    private static ClaimedDelivery attempt(int scheduleIndex, boolean probe) {
        return new ClaimedDelivery(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(),
                scheduleIndex + 1, scheduleIndex, "run.finished", "{}", "https://hooks.example", List.of("secret"), probe,
                null, null);
    }

    private static final ClaimedDelivery FIRST = attempt(0, false);

    private static AttemptResult status(int status) {
        return new AttemptResult(status, 12, "http_status", "HTTP " + status, null, null);
    }

    private static AttemptResult status(int status, Duration retryAfter) {
        return new AttemptResult(status, 12, "http_status", "HTTP " + status, null, retryAfter);
    }

    private static final AttemptResult TIMEOUT = new AttemptResult(null, 15_000, "timeout", "timed out", null, null);

    @Test
    void aFailureBelowTheThresholdIsCountedAndRetriedOnTheSchedule() {
        Decision decision = POLICY.afterFailure(failing(3), FIRST, TIMEOUT, NOW);

        assertEquals(new EndpointHealth(false, 4, null, null, null, null, null, null), decision.endpoint());
        assertEquals(Outcome.RETRY, decision.delivery());
        assertEquals(NOW.plusSeconds(5), decision.nextAttemptAt());
        assertFalse(decision.endpointDisabled());
    }

    @Test
    void reachingTheThresholdOpensTheCircuitWithTheFirstProbeWait() {
        Decision decision = POLICY.afterFailure(failing(4), FIRST, status(500), NOW);

        assertEquals(new EndpointHealth(true, 5, NOW, NOW.plus(FIRST_PROBE), FIRST_PROBE, null, null, null),
                decision.endpoint());
        assertEquals(Outcome.RETRY, decision.delivery(), "the delivery itself still follows its schedule");
        assertEquals(NOW.plusSeconds(5), decision.nextAttemptAt());
    }

    @Test
    void aThresholdOfOneOpensTheCircuitOnAnEndpointsFirstFailure() {
        FailurePolicy touchy = new FailurePolicy(new RetrySchedule(List.of(Duration.ZERO), 0, () -> 0.0), 1, FIRST_PROBE,
                MAX_PROBE, DISABLE_AFTER, MAX_RETRY_AFTER);

        Decision decision = touchy.afterFailure(UNKNOWN, FIRST, TIMEOUT, NOW);

        assertEquals(new EndpointHealth(true, 1, NOW, NOW.plus(FIRST_PROBE), FIRST_PROBE, null, null, null),
                decision.endpoint());
    }

    @Test
    void aFailedProbeDoublesTheWaitForTheNextOne() {
        OffsetDateTime opened = NOW.minusMinutes(1);

        Decision decision = POLICY.afterFailure(open(opened, Duration.ofSeconds(20), NOW), attempt(1, true), TIMEOUT, NOW);

        assertEquals(new EndpointHealth(true, 8, opened, NOW.plusSeconds(40), Duration.ofSeconds(40), null, null, null),
                decision.endpoint());
    }

    @Test
    void theWaitBetweenProbesStopsAtItsLongest() {
        OffsetDateTime opened = NOW.minusHours(1);

        Decision decision = POLICY.afterFailure(open(opened, Duration.ofMinutes(8), NOW), attempt(1, true), TIMEOUT, NOW);

        assertEquals(MAX_PROBE, decision.endpoint().probeInterval());
        assertEquals(NOW.plus(MAX_PROBE), decision.endpoint().nextProbeAt());
    }

    @Test
    void anAttemptInFlightWhenTheCircuitOpenedFailsWithoutMovingTheProbe() {
        OffsetDateTime opened = NOW.minusSeconds(1);
        OffsetDateTime probe = opened.plus(FIRST_PROBE);

        Decision decision = POLICY.afterFailure(open(opened, FIRST_PROBE, probe), attempt(0, false), TIMEOUT, NOW);

        assertEquals(new EndpointHealth(true, 8, opened, probe, FIRST_PROBE, null, null, null), decision.endpoint());
        assertEquals(Outcome.RETRY, decision.delivery());
    }

    @Test
    void goneDisablesTheEndpointAtOnceAndTheDeliveryIsMissed() {
        Decision decision = POLICY.afterFailure(UNKNOWN, FIRST, status(410), NOW);

        assertEquals(NOW, decision.endpoint().disabledAt());
        assertEquals("the endpoint answered 410 Gone", decision.endpoint().disabledReason());
        assertTrue(decision.endpointDisabled());
        assertEquals(Outcome.MISSED, decision.delivery());
    }

    @Test
    void anEndpointDisabledBeforeKeepsWhenAndWhyAndItsDeliveryIsMissed() {
        OffsetDateTime earlier = NOW.minusMinutes(3);
        EndpointHealth gone = new EndpointHealth(false, 1, null, null, null, null, earlier, "the endpoint answered 410 Gone");

        Decision decision = POLICY.afterFailure(gone, FIRST, status(500), NOW);

        assertEquals(earlier, decision.endpoint().disabledAt());
        assertEquals("the endpoint answered 410 Gone", decision.endpoint().disabledReason());
        assertEquals(Outcome.MISSED, decision.delivery());
    }

    @Test
    void aCircuitOpenForLongerThanDisableAfterDisablesTheEndpointOnItsNextFailure() {
        OffsetDateTime opened = OffsetDateTime.of(2026, 11, 28, 11, 59, 58, 500_000_000, ZoneOffset.UTC);

        Decision decision = POLICY.afterFailure(open(opened, MAX_PROBE, NOW), attempt(1, true), TIMEOUT, NOW);

        assertEquals(NOW, decision.endpoint().disabledAt());
        assertEquals("failing since 2026-11-28 11:59:58.5+00", decision.endpoint().disabledReason());
        assertEquals(Outcome.MISSED, decision.delivery());
    }

    @Test
    void aCircuitOpenForExactlyDisableAfterOrLessLeavesTheEndpointEnabled() {
        Decision decision = POLICY.afterFailure(open(NOW.minus(DISABLE_AFTER), MAX_PROBE, NOW), attempt(1, true), TIMEOUT,
                NOW);

        assertNull(decision.endpoint().disabledAt());
        assertEquals(Outcome.RETRY, decision.delivery());
    }

    @Test
    void retryAfterOn429PausesTheEndpointAndTheRetryWaitsForThePause() {
        Decision decision = POLICY.afterFailure(UNKNOWN, FIRST, status(429, Duration.ofSeconds(30)), NOW);

        assertEquals(NOW.plusSeconds(30), decision.endpoint().pausedUntil());
        assertEquals(NOW.plusSeconds(30), decision.nextAttemptAt(), "later than the schedule's 5 s");
        assertEquals(Outcome.RETRY, decision.delivery());
    }

    @Test
    void aPauseShorterThanTheScheduleLeavesTheRetryWhereTheScheduleHasIt() {
        Decision decision = POLICY.afterFailure(UNKNOWN, FIRST, status(503, Duration.ofSeconds(2)), NOW);

        assertEquals(NOW.plusSeconds(2), decision.endpoint().pausedUntil());
        assertEquals(NOW.plusSeconds(5), decision.nextAttemptAt());
    }

    @Test
    void retryAfterIsHonouredUpToMaxRetryAfter() {
        Decision decision = POLICY.afterFailure(UNKNOWN, FIRST, status(503, Duration.ofDays(2)), NOW);

        assertEquals(NOW.plus(MAX_RETRY_AFTER), decision.endpoint().pausedUntil());
        assertEquals(NOW.plus(MAX_RETRY_AFTER), decision.nextAttemptAt());
    }

    @Test
    void retryAfterWithAnyOtherStatusIsAnOrdinaryRetry() {
        Decision decision = POLICY.afterFailure(UNKNOWN, FIRST, status(500, Duration.ofHours(1)), NOW);

        assertNull(decision.endpoint().pausedUntil());
        assertEquals(NOW.plusSeconds(5), decision.nextAttemptAt());
    }

    @Test
    void aLongerPauseAlreadyRecordedIsNotShortened() {
        Decision decision = POLICY.afterFailure(pausedUntil(NOW.plusHours(1)), FIRST, status(429, Duration.ofSeconds(2)), NOW);

        assertEquals(NOW.plusHours(1), decision.endpoint().pausedUntil());
        assertEquals(NOW.plusHours(1), decision.nextAttemptAt());
    }

    @Test
    void aPauseRecordedBeforeAlsoDelaysARetryWithoutRetryAfter() {
        Decision decision = POLICY.afterFailure(pausedUntil(NOW.plusMinutes(2)), FIRST, TIMEOUT, NOW);

        assertEquals(NOW.plusMinutes(2), decision.endpoint().pausedUntil());
        assertEquals(NOW.plusMinutes(2), decision.nextAttemptAt());
    }

    @Test
    void aPauseThatEndedLeavesTheRetryOnTheSchedule() {
        Decision decision = POLICY.afterFailure(pausedUntil(NOW.minusMinutes(2)), FIRST, TIMEOUT, NOW);

        assertEquals(NOW.plusSeconds(5), decision.nextAttemptAt());
    }

    @Test
    void whenTheScheduleIsExhaustedTheDeliveryHasFailedPauseOrNot() {
        Decision decision = POLICY.afterFailure(UNKNOWN, attempt(2, false), status(429, Duration.ofSeconds(30)), NOW);

        assertEquals(Outcome.FAILED, decision.delivery());
        assertNull(decision.nextAttemptAt(), "the delivery keeps the time it has");
        assertEquals(NOW.plusSeconds(30), decision.endpoint().pausedUntil(), "the endpoint is paused all the same");
    }

    @Test
    void aReplayStartsTheScheduleAgain() {
        Decision decision = POLICY.afterFailure(UNKNOWN, new ClaimedDelivery(UUID.randomUUID(), UUID.randomUUID(),
                UUID.randomUUID(), UUID.randomUUID(), 4, 0, "run.finished", "{}", "https://hooks.example",
                List.of("secret"), false, null, null), TIMEOUT, NOW);

        assertEquals(Outcome.RETRY, decision.delivery(), "attempt 4, but the first since the replay");
        assertEquals(NOW.plusSeconds(5), decision.nextAttemptAt());
    }

    @Test
    void aDisabledEndpointsDeliveryIsMissedEvenWhenItsScheduleIsExhausted() {
        Decision decision = POLICY.afterFailure(UNKNOWN, attempt(2, false), status(410), NOW);

        assertEquals(Outcome.MISSED, decision.delivery());
    }
}
