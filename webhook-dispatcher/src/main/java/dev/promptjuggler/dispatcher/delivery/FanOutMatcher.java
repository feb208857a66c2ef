package dev.promptjuggler.dispatcher.delivery;

import dev.promptjuggler.contracts.EnvironmentGlob;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Which endpoints get an event, and how each of those deliveries starts.
 * <p>
 * An endpoint gets an event when it belongs to the event's tenant, its owner has it switched on, its event
 * filter is empty or names the event's type, and its environment glob matches the event's environment (no
 * glob: every environment; knowledge events have no environment, so only endpoints without a glob get them).
 * <p>
 * The delivery is then {@link Start#MISSED} when the dispatcher disabled the endpoint (kept for a re-enable),
 * {@link Start#SEND_NOW} when the endpoint can take it now (circuit closed, not paused, fewer than
 * {@code perEndpoint} in flight) and this dispatcher has room left ({@code capacity}, events in order,
 * endpoints in the order given), else {@link Start#QUEUE}.
 */
public final class FanOutMatcher {

    private FanOutMatcher() {
    }

    /**
     * @param now the database's time, which pauses are compared with
     */
    public static List<Match> match(List<FinishedEvent> events, List<Endpoint> endpoints, int capacity, int perEndpoint,
            OffsetDateTime now) {
        Map<UUID, Integer> slots = new HashMap<>();
        for (Endpoint endpoint : endpoints) {
            slots.put(endpoint.id(), endpoint.ready(now) ? Math.max(0, perEndpoint - endpoint.sending()) : 0);
        }
        int free = capacity;
        List<Match> matches = new ArrayList<>();
        for (FinishedEvent event : events) {
            for (Endpoint endpoint : endpoints) {
                if (!gets(endpoint, event)) {
                    continue;
                }
                Start start;
                if (endpoint.disabled()) {
                    start = Start.MISSED;
                } else if (free > 0 && slots.get(endpoint.id()) > 0) {
                    start = Start.SEND_NOW;
                    free--;
                    slots.merge(endpoint.id(), -1, Integer::sum);
                } else {
                    start = Start.QUEUE;
                }
                matches.add(new Match(event, endpoint, start));
            }
        }
        return matches;
    }

    /** Whether the endpoint gets the event at all, whatever its health. */
    public static boolean gets(Endpoint endpoint, FinishedEvent event) {
        return endpoint.enabled()
                && endpoint.tenantId().equals(event.tenantId())
                && (endpoint.events().isEmpty() || endpoint.events().contains(event.type()))
                && EnvironmentGlob.matches(endpoint.environment(), event.environment());
    }

    /**
     * An endpoint as the fan-out sees it: its owner's settings (api-gateway's) and the dispatcher's view of
     * its health.
     *
     * @param environment the environment glob; null for every environment
     * @param events      the event filter; empty for every event
     * @param enabled     whether its owner has it switched on
     * @param disabled    whether the dispatcher disabled it (410 Gone, or failing for too long)
     * @param pausedUntil from a Retry-After; null, or in the past, when not paused
     * @param sending     its deliveries in flight now, across dispatchers
     * @param secrets     signing secrets: retiring ones first, the current one last
     */
    public record Endpoint(UUID id, UUID tenantId, String environment, List<String> events, boolean enabled,
            boolean disabled, boolean circuitOpen, OffsetDateTime pausedUntil, int sending, String url,
            List<String> secrets) {

        boolean ready(OffsetDateTime now) {
            return !circuitOpen && (pausedUntil == null || !pausedUntil.isAfter(now));
        }
    }

    /** How a delivery starts. */
    public enum Start {
        /** Leased to this dispatcher in the fan-out's own commit, and sent right after it. */
        SEND_NOW,
        /** Left in the queue for a claim: its endpoint is busy, parked or paused, or this dispatcher is full. */
        QUEUE,
        /** Its endpoint is disabled by the dispatcher; a re-enable can offer it. */
        MISSED
    }

    public record Match(FinishedEvent event, Endpoint endpoint, Start start) {
    }
}
