package dev.promptjuggler.dispatcher.delivery;

import java.time.Duration;
import java.time.OffsetDateTime;

/**
 * What the dispatcher knows about an endpoint's health ({@code dispatch.endpoint_health}): the state the
 * {@link FailurePolicy} moves on and the claim reads.
 *
 * @param circuitOpen   whether its deliveries are parked, one probe going out at {@code nextProbeAt}
 * @param probeInterval the wait before the next probe after a failed one; null while the circuit is closed
 * @param pausedUntil   nothing goes to the endpoint before then (Retry-After); may lie in the past
 * @param disabledAt    when the dispatcher disabled it (410 Gone, or failing for too long); null while enabled
 */
public record EndpointHealth(boolean circuitOpen, int consecutiveFailures, OffsetDateTime openedAt,
        OffsetDateTime nextProbeAt, Duration probeInterval, OffsetDateTime pausedUntil, OffsetDateTime disabledAt,
        String disabledReason) {

    public boolean disabled() {
        return disabledAt != null;
    }
}
