package dev.promptjuggler.dispatcher.delivery;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.promptjuggler.dispatcher.support.Platform;
import dev.promptjuggler.dispatcher.support.Platform.Endpoint;
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
 * {@code circuit.disable-after} is disabled and keeps what it missed. Retention stays at its default here, so
 * however long a loaded machine takes to disable the endpoint, the missed delivery is still there to read
 * ({@link DeliveryRetentionTest} prunes with a short retention of its own).
 */
@QuarkusTest
@TestProfile(SustainedFailureTest.Compressed.class)
class SustainedFailureTest {

    private static final Duration PATIENCE = Duration.ofSeconds(45);

    public static class Compressed implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("dispatcher.circuit.disable-after", "2s",
                    "dispatcher.circuit.failure-threshold", "2",
                    "dispatcher.retry.schedule", "0s,200ms,200ms,200ms,200ms,200ms,200ms,200ms");
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

    private static JsonPath health(UUID tenant, Endpoint endpoint) {
        return given().get("/internal/tenants/{t}/webhooks/{w}/health", tenant, endpoint.id())
                .then().statusCode(200).extract().jsonPath();
    }
}
