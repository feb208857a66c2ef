package dev.promptjuggler.dispatcher.delivery;

import java.util.List;
import java.util.UUID;

/**
 * One delivery leased to this dispatcher (by a claim, or by the fan-out for its first attempt), with
 * everything its attempt needs.
 *
 * @param attempt       the number of the attempt about to be made (1 for the first)
 * @param scheduleIndex attempts made since the delivery was queued or last replayed
 * @param secrets       signing secrets: retiring ones first, the current one last
 * @param probe         whether this attempt is the probe of its endpoint's open circuit
 * @param revision      the revision a finished run ran, sent in headers; null for other events
 * @param traceparent   the event's fan-out span, the parent of the attempt's span; null when untraced
 */
public record ClaimedDelivery(UUID id, UUID eventId, UUID endpointId, UUID tenantId, int attempt,
        int scheduleIndex, String eventType, String payload, String url, List<String> secrets, boolean probe,
        RunRevision revision, String traceparent) {
}
