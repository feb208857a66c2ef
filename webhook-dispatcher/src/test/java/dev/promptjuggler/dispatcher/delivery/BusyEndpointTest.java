package dev.promptjuggler.dispatcher.delivery;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.promptjuggler.dispatcher.config.DispatcherConfig;
import dev.promptjuggler.dispatcher.support.Platform;
import dev.promptjuggler.dispatcher.support.Receiver;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * An endpoint at its in-flight limit gets its next deliveries as its attempts are recorded, not at the next poll:
 * with the poll an hour apart, only that keeps a busy endpoint's queue moving.
 */
@QuarkusTest
@TestProfile(BusyEndpointTest.NoPoll.class)
class BusyEndpointTest {

    private static final Duration PATIENCE = Duration.ofSeconds(45);

    @Inject
    DispatcherConfig config;

    public static class NoPoll implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("dispatcher.queue.poll-interval", "1h");
        }
    }

    @Test
    void anEndpointAtItsLimitGetsItsQueuedDeliveriesAsItsAttemptsAreRecorded() {
        UUID tenant = Platform.tenant();
        int limit = config.limits().maxInFlightPerEndpoint();
        int events = limit + 32;
        try (Receiver receiver = Receiver.start(); Platform platform = new Platform()) {
            Platform.endpoint(tenant, receiver.url("/busy"));
            receiver.hold("/busy");
            try {
                IntStream.range(0, events).forEach(i -> platform.runFinished(tenant, UUID.randomUUID(), "production"));
                // The endpoint's limit in flight, the rest queued behind it.
                await().atMost(PATIENCE).until(() -> receiver.held() >= limit);
                await().atMost(PATIENCE).until(() -> Platform.column(
                        "SELECT count(*) FROM dispatch.deliveries WHERE tenant_id = ?", tenant).equals(
                        List.of(String.valueOf(events))));
            } finally {
                receiver.release("/busy");
            }
            await().atMost(PATIENCE).untilAsserted(() -> assertEquals(List.of("delivered " + events), Platform.column(
                    "SELECT status || ' ' || count(*) FROM dispatch.deliveries WHERE tenant_id = ? GROUP BY status",
                    tenant)));
            assertEquals(events, receiver.received("/busy").size(), "each delivery was sent once");
        }
    }
}
