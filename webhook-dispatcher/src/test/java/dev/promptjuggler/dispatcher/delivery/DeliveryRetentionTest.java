package dev.promptjuggler.dispatcher.delivery;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.promptjuggler.dispatcher.support.Platform;
import dev.promptjuggler.dispatcher.support.Platform.Endpoint;
import dev.promptjuggler.dispatcher.support.Receiver;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Delivery history older than the retention is pruned, with the retention compressed from days to seconds.
 */
@QuarkusTest
@TestProfile(DeliveryRetentionTest.ShortRetention.class)
class DeliveryRetentionTest {

    private static final Duration PATIENCE = Duration.ofSeconds(45);

    public static class ShortRetention implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("dispatcher.retention.deliveries", "3s",
                    "dispatcher.retention.prune-interval", "500ms");
        }
    }

    @Test
    void deliveryHistoryOlderThanTheRetentionIsPruned() {
        UUID tenant = Platform.tenant();
        try (Receiver receiver = Receiver.start(); Platform platform = new Platform()) {
            Endpoint endpoint = Platform.endpoint(tenant, receiver.url("/kept-for-a-while"));
            UUID eventId = platform.runFinished(tenant, UUID.randomUUID(), "production");

            await().atMost(PATIENCE).until(() -> Platform.column("SELECT status FROM dispatch.deliveries WHERE endpoint_id = ?",
                    endpoint.id()).equals(List.of("delivered")));
            assertEquals(1, receiver.received("/kept-for-a-while").size());

            await().atMost(PATIENCE).until(() -> Platform.column("SELECT id FROM dispatch.deliveries WHERE endpoint_id = ?",
                    endpoint.id()).isEmpty());
            assertEquals(List.of(), Platform.column("SELECT id FROM dispatch.events WHERE id = ?", eventId));
            assertEquals(List.of("0"), Platform.column("SELECT count(*) FROM dispatch.delivery_attempts a"
                    + " WHERE NOT EXISTS (SELECT 1 FROM dispatch.deliveries d WHERE d.id = a.delivery_id)"));
        }
    }
}
