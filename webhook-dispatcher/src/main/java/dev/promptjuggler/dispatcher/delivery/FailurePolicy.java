package dev.promptjuggler.dispatcher.delivery;

import dev.promptjuggler.dispatcher.client.AttemptResult;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.Locale;

/**
 * What a failed attempt means, for its delivery and for its endpoint. Every rule about failure is decided
 * here and nowhere else; the queue locks the endpoint's health, asks {@link #afterFailure} and records the
 * answer as it is. (A success needs no decision: it delivers, ends the endpoint's failure streak and closes
 * its circuit.)
 * <ul>
 * <li><b>Gone</b>: {@code 410} disables the endpoint at once.</li>
 * <li><b>Pause</b>: {@code 429} and {@code 503} with a {@code Retry-After} pause the whole endpoint for that
 * long, at most {@code maxRetryAfter}; a pause already longer stays. Other statuses' Retry-After is ignored.
 * A delivery retried inside a pause waits for its end.</li>
 * <li><b>Circuit</b>: {@code failureThreshold} consecutive failures open it. While open, the endpoint's
 * deliveries are parked and {@link #PROBES_AT_ONCE} probe goes out at {@code nextProbeAt} (the half-open
 * moment), {@code firstProbeAfter} after opening; each failed probe doubles the wait, up to
 * {@code maxProbeInterval}. Attempts that were already in flight when it opened fail without moving the
 * probe on: each doubling it would put the first probe minutes away (8 stragglers took it from 5 s to the
 * 10-minute cap).</li>
 * <li><b>Sustained failure</b>: a failure while the circuit has been open for longer than
 * {@code disableAfter} disables the endpoint.</li>
 * <li><b>Retry or give up</b>: the next attempt follows the {@link RetrySchedule}; when it is exhausted the
 * delivery has failed. A delivery to a disabled endpoint is neither: it is kept as missed, and so is every
 * other delivery still waiting for it, for a re-enable to offer.</li>
 * </ul>
 */
public final class FailurePolicy {

    /** Attempts an open circuit lets through when its probe is due (the claim applies it). */
    public static final int PROBES_AT_ONCE = 1;

    private static final String GONE = "the endpoint answered 410 Gone";

    /**
     * How PostgreSQL writes a timestamp in a UTC session ({@code 2026-12-03 11:02:23.5+00}), as the reason
     * for a sustained failure has always read.
     */
    private static final DateTimeFormatter SINCE = new DateTimeFormatterBuilder()
            .appendPattern("uuuu-MM-dd HH:mm:ss")
            .appendFraction(ChronoField.MICRO_OF_SECOND, 0, 6, true)
            .appendOffset("+HH:mm", "+00")
            .toFormatter(Locale.ROOT);

    private final RetrySchedule schedule;
    private final int failureThreshold;
    private final Duration firstProbeAfter;
    private final Duration maxProbeInterval;
    private final Duration disableAfter;
    private final Duration maxRetryAfter;

    public FailurePolicy(RetrySchedule schedule, int failureThreshold, Duration firstProbeAfter, Duration maxProbeInterval,
            Duration disableAfter, Duration maxRetryAfter) {
        this.schedule = schedule;
        this.failureThreshold = failureThreshold;
        this.firstProbeAfter = firstProbeAfter;
        this.maxProbeInterval = maxProbeInterval;
        this.disableAfter = disableAfter;
        this.maxRetryAfter = maxRetryAfter;
    }

    /**
     * @param endpoint the endpoint's health before this failure, read under a lock so concurrent failures
     *                 of one endpoint are decided one after the other
     * @param now      the database's time, the clock the claim compares probes, pauses and retries with
     */
    public Decision afterFailure(EndpointHealth endpoint, ClaimedDelivery delivery, AttemptResult result,
            OffsetDateTime now) {
        EndpointHealth after = endpointAfter(endpoint, delivery.probe(), result, now);
        OffsetDateTime retryAt = schedule.next(delivery.scheduleIndex(), now);
        OffsetDateTime next = retryAt != null && after.pausedUntil() != null && after.pausedUntil().isAfter(retryAt)
                ? after.pausedUntil() : retryAt;
        Outcome outcome = after.disabled() ? Outcome.MISSED : next == null ? Outcome.FAILED : Outcome.RETRY;
        return new Decision(after, outcome, next);
    }

    private EndpointHealth endpointAfter(EndpointHealth before, boolean probe, AttemptResult result, OffsetDateTime now) {
        int failures = before.consecutiveFailures() + 1;
        boolean open = before.circuitOpen() || failures >= failureThreshold;
        OffsetDateTime openedAt = null;
        OffsetDateTime nextProbeAt = null;
        Duration probeInterval = null;
        if (before.circuitOpen() && probe) {
            openedAt = before.openedAt();
            // An open circuit always has its interval; without one, the longest wait is the safe guess.
            probeInterval = before.probeInterval() == null ? maxProbeInterval
                    : min(before.probeInterval().multipliedBy(2), maxProbeInterval);
            nextProbeAt = now.plus(probeInterval);
        } else if (before.circuitOpen()) {
            openedAt = before.openedAt();
            probeInterval = before.probeInterval();
            nextProbeAt = before.nextProbeAt();
        } else if (open) {
            openedAt = now;
            probeInterval = firstProbeAfter;
            nextProbeAt = now.plus(firstProbeAfter);
        }

        OffsetDateTime disabledAt = null;
        String disabledReason = null;
        if (before.disabled()) {
            disabledAt = before.disabledAt();
            disabledReason = before.disabledReason();
        } else if (Integer.valueOf(410).equals(result.statusCode())) {
            disabledAt = now;
            disabledReason = GONE;
        } else if (before.circuitOpen() && before.openedAt() != null
                && before.openedAt().isBefore(now.minus(disableAfter))) {
            disabledAt = now;
            disabledReason = "failing since " + SINCE.format(before.openedAt().withOffsetSameInstant(ZoneOffset.UTC));
        }
        return new EndpointHealth(open, failures, openedAt, nextProbeAt, probeInterval,
                pausedUntil(before.pausedUntil(), result, now), disabledAt, disabledReason);
    }

    private OffsetDateTime pausedUntil(OffsetDateTime current, AttemptResult result, OffsetDateTime now) {
        boolean asked = result.retryAfter() != null
                && (Integer.valueOf(429).equals(result.statusCode()) || Integer.valueOf(503).equals(result.statusCode()));
        if (!asked) {
            return current;
        }
        OffsetDateTime requested = now.plus(min(result.retryAfter(), maxRetryAfter));
        return current != null && current.isAfter(requested) ? current : requested;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** What becomes of the delivery whose attempt failed. */
    public enum Outcome {
        /** Queued for another attempt at {@link Decision#nextAttemptAt}. */
        RETRY,
        /** The retry schedule is exhausted. */
        FAILED,
        /** Its endpoint is disabled: kept, with every other delivery waiting for it, for a re-enable. */
        MISSED
    }

    /**
     * @param endpoint      the endpoint's health to record
     * @param nextAttemptAt null when the schedule is exhausted (the delivery keeps the time it has)
     */
    public record Decision(EndpointHealth endpoint, Outcome delivery, OffsetDateTime nextAttemptAt) {

        public boolean endpointDisabled() {
            return endpoint.disabled();
        }
    }
}
