package dev.promptjuggler.dispatcher.delivery;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.promptjuggler.dispatcher.config.DispatcherConfig;
import dev.promptjuggler.dispatcher.support.Metrics;
import dev.promptjuggler.dispatcher.support.Platform;
import dev.promptjuggler.dispatcher.support.Platform.Endpoint;
import dev.promptjuggler.dispatcher.support.Receiver;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A delivery whose dispatchers keep dying mid-attempt (its lease expires with nothing recorded) is leased at
 * most {@code dispatcher.queue.max-claims} times, then failed in the delivery log instead of queued for ever.
 */
@QuarkusTest
class AbandonedDeliveryTest {

    private static final Duration PATIENCE = Duration.ofSeconds(45);
    private static final String ABANDONED = "webhook_deliveries_abandoned_total";

    private static Receiver receiver;

    @Inject
    DispatcherConfig config;

    @BeforeAll
    static void start() {
        receiver = Receiver.start();
    }

    @AfterAll
    static void stop() {
        receiver.close();
    }

    @Test
    void aLeaseCountsAsAClaimBeforeAnythingIsRecordedAndARecordedAttemptStartsTheCountAgain() {
        UUID tenant = Platform.tenant();
        Endpoint endpoint = Platform.endpoint(tenant, receiver.url("/counted"));
        receiver.hold("/counted");
        try (Platform platform = new Platform()) {
            platform.runFinished(tenant, UUID.randomUUID(), "production");

            await().atMost(PATIENCE).until(() -> !receiver.received("/counted").isEmpty());
            // The attempt is on its way and nothing is recorded: had the dispatcher died now, this claim was used.
            assertEquals(List.of("sending|1|0"), Platform.column("SELECT status || '|' || claims || '|' || attempts"
                    + " FROM dispatch.deliveries WHERE endpoint_id = ?", endpoint.id()));
        } finally {
            receiver.release("/counted");
        }
        await().atMost(PATIENCE).until(() -> Platform.column("SELECT status || '|' || claims || '|' || attempts"
                + " FROM dispatch.deliveries WHERE endpoint_id = ?", endpoint.id()).equals(List.of("delivered|0|1")));
    }

    @Test
    void aDeliveryOutOfClaimsEndsFailedInTheLogWhileOneClaimShortIsSentAgain() {
        UUID tenant = Platform.tenant();
        Endpoint exhausted = Platform.endpoint(tenant, receiver.url("/exhausted"));
        Endpoint oneLeft = Platform.endpoint(tenant, receiver.url("/one-left"));
        double before = Metrics.sample(ABANDONED, "reason", "max_claims");
        // Both were leased by dispatchers that died before recording an attempt; their leases have expired.
        UUID lost = leasedAndLost(tenant, exhausted, config.queue().maxClaims());
        UUID retried = leasedAndLost(tenant, oneLeft, config.queue().maxClaims() - 1);

        JsonPath log = await().atMost(PATIENCE).until(() -> deliveries(tenant, exhausted),
                read -> "failed".equals(read.getString("deliveries[0].status")));
        assertEquals(lost.toString(), log.getString("deliveries[0].id"));
        assertEquals("abandoned", log.getString("deliveries[0].lastErrorClass"));
        assertTrue(log.getString("deliveries[0].lastError").startsWith("abandoned after " + config.queue().maxClaims()
                + " claims without a recorded attempt"), log.getString("deliveries[0].lastError"));
        assertEquals(List.of(), log.getList("deliveries[0].attemptLog"));
        assertEquals(List.of(), receiver.received("/exhausted"));
        assertEquals(before + 1, Metrics.sample(ABANDONED, "reason", "max_claims"));

        await().atMost(PATIENCE).until(() -> "delivered".equals(deliveries(tenant, oneLeft).getString("deliveries[0].status")));
        assertEquals(1, receiver.received("/one-left").size());
        assertEquals(retried.toString(), receiver.received("/one-left").get(0).header("PromptJuggler-Delivery-Id"));
    }

    /** A delivery as the queue holds it after {@code claims} leases whose dispatchers all died mid-attempt. */
    private static UUID leasedAndLost(UUID tenant, Endpoint endpoint, int claims) {
        UUID event = UUID.randomUUID();
        UUID delivery = UUID.randomUUID();
        Platform.update("INSERT INTO dispatch.events (id, tenant_id, type, environment, payload)"
                + " VALUES (?, ?, 'promptrun.finished', 'production', ?)", event, tenant,
                "{\"event\":\"promptrun.finished\",\"id\":\"" + UUID.randomUUID() + "\",\"status\":\"completed\"}");
        Platform.update("INSERT INTO dispatch.deliveries (id, event_id, endpoint_id, tenant_id, status, leased_until, claims)"
                + " VALUES (?, ?, ?, ?, 'sending', now() - interval '1 second', ?)", delivery, event, endpoint.id(), tenant, claims);
        return delivery;
    }

    private static JsonPath deliveries(UUID tenant, Endpoint endpoint) {
        return given().get("/internal/tenants/{t}/webhooks/{w}/deliveries", tenant, endpoint.id())
                .then().statusCode(200).extract().jsonPath();
    }
}
