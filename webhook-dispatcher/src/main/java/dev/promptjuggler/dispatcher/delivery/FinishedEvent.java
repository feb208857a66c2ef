package dev.promptjuggler.dispatcher.delivery;

import java.util.UUID;

/**
 * A finished event as the dispatcher stores it.
 *
 * @param id          the event id: the same on every retry and replay, and repeats of it collapse
 * @param environment the run's environment, matched against endpoints' globs; null for events outside runs
 * @param payload     the webhook body exactly as it is signed and sent
 * @param runId       the run a run event is about (its revision is looked up when the event is stored); null for
 *                    events outside runs
 * @param traceparent its fan-out's span, which every delivery attempt of it continues; null when untraced
 */
public record FinishedEvent(UUID id, UUID tenantId, String type, String environment, String payload, UUID runId,
        String traceparent) {
}
