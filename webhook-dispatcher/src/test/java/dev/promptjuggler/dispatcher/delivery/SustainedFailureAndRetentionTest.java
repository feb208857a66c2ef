package dev.promptjuggler.dispatcher.delivery;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.promptjuggler.dispatcher.support.Platform;
import dev.promptjuggler.dispatcher.support.Platform.Endpoint;
import dev.promptjuggler.dispatcher.support.Receiver;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What takes days in production, compressed by configuration: an endpoint failing for longer than
 * {@code circuit.disable-after} is disabled, and delivery history older than the retention is pruned.
 */
@QuarkusTest
@TestProfile(SustainedFailureAndRetentionTest.Compressed.class)
class SustainedFailureAndRetentionTest {

    private static final Duration PATIENCE = Duration.ofSeconds(45);

    public static class Compressed implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("dispatcher.circuit.disable-after", "2s",
                    "dispatcher.circuit.failure-threshold", "2",
                    "dispatcher.retry.schedule", "0s,200ms,200ms,200ms,200ms,200ms,200ms,200ms",
                    // Long enough that the first test reads the missed delivery before it is pruned, even on
                    // a loaded machine; the second test waits it out.
                    "dispatcher.retention.deliveries", "15s",
                    "dispatcher.retention.prune-interval", "500ms");
        }
    }

    @Test
    void anEndpointFailingForTooLongIsDisabledAndKeepsWhatItMissed() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        UUID tenant = Platform.tenant();
        Endpoint endpoint = Platform.endpoint(tenant, "http://127.0.0.1:" + port + "/never");
        try (Platform platform = new Platform()) {
            platform.runFinished(tenant, UUID.randomUUID(), "production");

            await().atMost(PATIENCE).until(() -> health(tenant, endpoint).getString("state").equals("disabled"));
            JsonPath health = health(tenant, endpoint);
            assertTrue(health.getString("disabledReason").startsWith("failing since"), health.prettify());
            assertEquals(false, health.getBoolean("receiving"));
            assertEquals(List.of("missed"), Platform.column("SELECT status FROM dispatch.deliveries WHERE endpoint_id = ?",
                    endpoint.id()));
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

    private static JsonPath health(UUID tenant, Endpoint endpoint) {
        return given().get("/internal/tenants/{t}/webhooks/{w}/health", tenant, endpoint.id())
                .then().statusCode(200).extract().jsonPath();
    }
}
