package dev.promptjuggler.dispatcher.delivery;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.promptjuggler.dispatcher.config.DispatcherConfig;
import dev.promptjuggler.dispatcher.support.Platform;
import dev.promptjuggler.dispatcher.support.Platform.Endpoint;
import dev.promptjuggler.dispatcher.support.Receiver;
import dev.promptjuggler.dispatcher.support.Receiver.Received;
import dev.promptjuggler.dispatcher.support.Receiver.Reply;
import dev.promptjuggler.dispatcher.support.Signatures;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dispatcher against the real broker and database, with a local receiver: finished events published
 * to Kafka end as signed requests, retried, parked, paused, disabled and logged as a customer would see.
 * (The test profile shortens the retry schedule to 0s and five times 300 ms, and the circuit's probes.)
 */
@QuarkusTest
class DeliveryFlowTest {

    private static final Duration PATIENCE = Duration.ofSeconds(45);

    private static Receiver receiver;
    private static Platform platform;

    @Inject
    DispatcherConfig config;

    @BeforeAll
    static void start() {
        receiver = Receiver.start();
        platform = new Platform();
    }

    @AfterAll
    static void stop() {
        receiver.close();
        platform.close();
    }

    @Test
    void failuresAreRetriedWithTheSameEventIdAndFreshSignatures() {
        UUID tenant = Platform.tenant();
        Endpoint endpoint = Platform.endpoint(tenant, receiver.url("/retry"));
        receiver.script("/retry", Reply.status(500), Reply.status(500), Reply.status(500), Reply.status(200));
        UUID runId = UUID.randomUUID();

        UUID eventId = platform.runFinished(tenant, runId, "production");

        await().atMost(PATIENCE).until(() -> receiver.received("/retry").size() >= 4);
        List<Received> attempts = receiver.received("/retry");
        assertEquals(4, attempts.size(), "a 200 ends the retries");
        for (int i = 0; i < attempts.size(); i++) {
            Received attempt = attempts.get(i);
            assertEquals(eventId.toString(), attempt.header("PromptJuggler-Event-Id"));
            assertEquals(attempts.get(0).header("PromptJuggler-Delivery-Id"), attempt.header("PromptJuggler-Delivery-Id"));
            assertEquals(Integer.toString(i + 1), attempt.header("PromptJuggler-Attempt"));
            assertEquals("promptrun.finished", attempt.header("PromptJuggler-Event"));
            assertTrue(attempt.header("User-Agent").startsWith("PromptJuggler-Platform-Webhooks/"));
            assertEquals("{\"event\":\"promptrun.finished\",\"id\":\"" + runId + "\",\"status\":\"completed\"}", attempt.body());
            String signature = attempt.header("PromptJuggler-Signature");
            assertTrue(signature.matches("t=\\d+,v1=[0-9a-f]{64}"), signature);
            assertTrue(Signatures.verifies(signature, attempt.body(), endpoint.secret()));
        }

        JsonPath log = awaitDelivery(tenant, endpoint, "delivered");
        assertEquals(List.of(500, 500, 500, 200), log.getList("deliveries[0].attemptLog.statusCode"));
        assertEquals(List.of(1, 2, 3, 4), log.getList("deliveries[0].attemptLog.attempt"));
        assertEquals("http_status", log.getString("deliveries[0].attemptLog[0].errorClass"));
        assertEquals("status 500", log.getString("deliveries[0].attemptLog[0].responseExcerpt"));
        given().get("/internal/tenants/{t}/events/{e}/deliveries", tenant, eventId)
                .then().statusCode(200).body("deliveries", hasSize(1)).body("deliveries[0].status", equalTo("delivered"));
    }

    @Test
    void aRunWebhookCarriesExactlyTheSdksFieldsAndTheRevisionInHeaders() {
        UUID tenant = Platform.tenant();
        Platform.endpoint(tenant, receiver.url("/revision"));
        UUID definition = UUID.randomUUID();
        UUID revision = UUID.randomUUID();
        UUID thread = UUID.randomUUID();
        UUID runId = UUID.randomUUID();
        // As api-gateway stores an accepted run of version 3.
        Platform.update("INSERT INTO gateway.definitions (id, tenant_id, kind, name, slug, draft)"
                + " VALUES (?, ?, 'prompt', 'Revision', 'pr_revision', '{}')", definition, tenant);
        Platform.update("INSERT INTO gateway.revisions (id, tenant_id, definition_id, version, config)"
                + " VALUES (?, ?, ?, 3, '{}')", revision, tenant, definition);
        Platform.update("INSERT INTO gateway.threads (id, tenant_id) VALUES (?, ?)", thread, tenant);
        Platform.update("INSERT INTO gateway.runs (id, tenant_id, kind, thread_id, channel, priority, environment,"
                + " revision_id, revision_version, inputs) VALUES (?, ?, 'prompt', ?, 'default', 'normal', 'production',"
                + " ?, 3, '{}')", runId, tenant, thread, revision);

        platform.runFinished(tenant, runId, "production");

        await().atMost(PATIENCE).until(() -> receiver.received("/revision").size() == 1);
        Received delivery = receiver.received("/revision").get(0);
        assertEquals("{\"event\":\"promptrun.finished\",\"id\":\"" + runId + "\",\"status\":\"completed\"}", delivery.body());
        assertEquals(revision.toString(), delivery.header("PromptJuggler-Revision-Id"));
        assertEquals("3", delivery.header("PromptJuggler-Revision-Version"));
        assertEquals("promptrun.finished", delivery.header("PromptJuggler-Event"));
        // No OTLP endpoint in these tests: tracing is off, and no trace that nobody records is handed to a receiver.
        assertNull(delivery.header("traceparent"));
    }

    @Test
    void aDraftRunsWebhookNamesItsSnapshotAndSaysDraft() {
        UUID tenant = Platform.tenant();
        Platform.endpoint(tenant, receiver.url("/draft"));
        UUID definition = UUID.randomUUID();
        UUID snapshot = UUID.randomUUID();
        UUID thread = UUID.randomUUID();
        UUID runId = UUID.randomUUID();
        // As api-gateway stores a draft run: its revision is the draft's snapshot, version 0.
        Platform.update("INSERT INTO gateway.definitions (id, tenant_id, kind, name, slug, draft)"
                + " VALUES (?, ?, 'prompt', 'Drafted', 'pr_drafted', '{}')", definition, tenant);
        Platform.update("INSERT INTO gateway.revisions (id, tenant_id, definition_id, version, config)"
                + " VALUES (?, ?, ?, 0, '{}')", snapshot, tenant, definition);
        Platform.update("INSERT INTO gateway.threads (id, tenant_id) VALUES (?, ?)", thread, tenant);
        Platform.update("INSERT INTO gateway.runs (id, tenant_id, kind, thread_id, channel, priority, environment,"
                + " revision_id, revision_version, inputs) VALUES (?, ?, 'prompt', ?, 'default', 'onsite', 'production',"
                + " ?, 0, '{}')", runId, tenant, thread, snapshot);

        platform.runFinished(tenant, runId, "production");

        await().atMost(PATIENCE).until(() -> receiver.received("/draft").size() == 1);
        Received delivery = receiver.received("/draft").get(0);
        assertEquals(snapshot.toString(), delivery.header("PromptJuggler-Revision-Id"));
        assertEquals("draft", delivery.header("PromptJuggler-Revision-Version"));
    }

    @Test
    void duringASecretRotationEachActiveSecretSigns() {
        UUID tenant = Platform.tenant();
        Endpoint endpoint = Platform.endpoint(tenant, receiver.url("/rotation"));
        // As api-gateway's rotation leaves them: the replaced secret valid for a while, an older one expired.
        Platform.update("INSERT INTO gateway.webhook_endpoint_secrets (endpoint_id, secret, retired_at, expires_at)"
                + " VALUES (?, 'whsec_expired', now() - interval '2 days', now() - interval '1 day')", endpoint.id());
        Platform.update("INSERT INTO gateway.webhook_endpoint_secrets (endpoint_id, secret, retired_at, expires_at)"
                + " VALUES (?, 'whsec_previous', now(), now() + interval '1 day')", endpoint.id());

        platform.runFinished(tenant, UUID.randomUUID(), "production");

        await().atMost(PATIENCE).until(() -> receiver.received("/rotation").size() == 1);
        Received delivery = receiver.received("/rotation").get(0);
        String header = delivery.header("PromptJuggler-Signature");
        List<String> v1 = Signatures.v1(header);
        assertEquals(2, v1.size(), header);
        long t = Signatures.timestamp(header);
        assertTrue(Signatures.verifies("t=" + t + ",v1=" + v1.get(0), delivery.body(), "whsec_previous"));
        assertTrue(Signatures.verifies("t=" + t + ",v1=" + v1.get(1), delivery.body(), endpoint.secret()),
                "the current secret's signature comes last, where the SDKs look");
        assertTrue(!Signatures.verifies(header, delivery.body(), "whsec_expired"));
    }

    @Test
    void aRepeatedEventIsDeliveredOnce() {
        UUID tenant = Platform.tenant();
        Endpoint endpoint = Platform.endpoint(tenant, receiver.url("/once"));
        UUID runId = UUID.randomUUID();

        platform.runFinished(tenant, runId, "production");
        platform.runFinished(tenant, runId, "production");
        UUID marker = UUID.randomUUID();
        platform.runFinished(tenant, marker, "production");

        await().atMost(PATIENCE).until(() -> receiver.received("/once").stream().anyMatch(r -> r.body().contains(marker.toString())));
        assertEquals(1, receiver.received("/once").stream().filter(r -> r.body().contains(runId.toString())).count());
        assertEquals(List.of("1"), Platform.column("SELECT count(*) FROM dispatch.deliveries d JOIN dispatch.events e"
                + " ON e.id = d.event_id WHERE d.endpoint_id = ? AND e.payload LIKE ?", endpoint.id(), "%" + runId + "%"));
    }

    @Test
    void anUnreadableRecordIsSkippedAndWhatFollowsIsDelivered() {
        UUID tenant = Platform.tenant();
        Platform.endpoint(tenant, receiver.url("/after-garbage"));
        UUID runId = UUID.randomUUID();

        platform.send("runs.finished", runId.toString(), "{not json", Map.of("ce_id", UUID.randomUUID().toString()));
        platform.runFinished(tenant, runId, "production");

        await().atMost(PATIENCE).until(() -> receiver.received("/after-garbage").size() == 1);
        assertTrue(receiver.received("/after-garbage").get(0).body().contains(runId.toString()));
    }

    @Test
    void endpointsMatchByEventFilterAndEnvironmentGlob() {
        UUID tenant = Platform.tenant();
        Platform.endpoint(tenant, receiver.url("/glob/prod"), List.of(), "prod*");
        Platform.endpoint(tenant, receiver.url("/glob/staging"), List.of(), "staging");
        Platform.endpoint(tenant, receiver.url("/glob/all"), List.of(), null);
        Platform.endpoint(tenant, receiver.url("/glob/workflows"), List.of("workflowrun.finished"), null);
        Platform.endpoint(tenant, receiver.url("/glob/prompts"), List.of("promptrun.finished"), "production");
        Platform.endpoint(Platform.tenant(), receiver.url("/glob/stranger"));
        UUID runId = UUID.randomUUID();

        platform.runFinished(tenant, runId, "production");

        await().atMost(PATIENCE).until(() -> receiver.received("/glob/prod").size() == 1
                && receiver.received("/glob/all").size() == 1 && receiver.received("/glob/prompts").size() == 1);
        // The fan-out commits every delivery of the event at once, so the others are known by now.
        assertEquals(3, Platform.column("SELECT d.id FROM dispatch.deliveries d JOIN dispatch.events e ON e.id = d.event_id"
                + " WHERE e.payload LIKE ?", "%" + runId + "%").size());
        assertTrue(receiver.received("/glob/staging").isEmpty());
        assertTrue(receiver.received("/glob/workflows").isEmpty());
        assertTrue(receiver.received("/glob/stranger").isEmpty());
    }

    @Test
    void knowledgeEventsReachEndpointsWithoutAnEnvironmentPattern() {
        UUID tenant = Platform.tenant();
        Endpoint endpoint = Platform.endpoint(tenant, receiver.url("/knowledge"));
        Platform.endpoint(tenant, receiver.url("/knowledge/prod"), List.of(), "prod*");
        UUID document = UUID.randomUUID();
        UUID base = UUID.randomUUID();
        Map<String, String> headers = Map.of("ce_specversion", "1.0", "ce_id", UUID.randomUUID().toString(),
                "ce_type", "knowledgedocument.finished", "ce_source", "urn:promptjuggler:knowledge-ingest");

        platform.send("knowledge.finished", base.toString(), "{\"documentId\":\"" + document + "\",\"knowledgeBaseId\":\""
                + base + "\",\"tenantId\":\"" + tenant + "\",\"status\":\"ready\",\"chunkCount\":3,"
                + "\"finishedAt\":\"2026-11-22T18:00:00Z\"}", headers);
        platform.send("knowledge.finished", base.toString(), "{\"knowledgeBaseId\":\"" + base + "\",\"tenantId\":\""
                + tenant + "\",\"status\":\"ready\",\"documentCount\":1,\"chunkCount\":3,\"lastDocumentId\":\""
                + document + "\",\"finishedAt\":\"2026-11-22T18:00:00Z\"}",
                Map.of("ce_specversion", "1.0", "ce_id", UUID.randomUUID().toString(), "ce_type", "knowledgebase.finished",
                        "ce_source", "urn:promptjuggler:knowledge-ingest"));

        await().atMost(PATIENCE).until(() -> receiver.received("/knowledge").size() == 2);
        List<String> bodies = receiver.received("/knowledge").stream().map(Received::body).sorted().toList();
        assertEquals(List.of(
                "{\"event\":\"knowledgebase.finished\",\"id\":\"" + base + "\",\"status\":\"ready\",\"documentCount\":1,\"chunkCount\":3}",
                "{\"event\":\"knowledgedocument.finished\",\"id\":\"" + document + "\",\"status\":\"ready\",\"chunkCount\":3}"),
                bodies);
        assertEquals(headers.get("ce_id"), receiver.received("/knowledge").stream()
                .filter(r -> r.body().contains("knowledgedocument")).findFirst().orElseThrow().header("PromptJuggler-Event-Id"));
        awaitDelivery(tenant, endpoint, "delivered");
        assertTrue(receiver.received("/knowledge/prod").isEmpty());
    }

    @Test
    void aRedirectIsAFailureAndIsNotFollowed() {
        UUID tenant = Platform.tenant();
        Endpoint endpoint = Platform.endpoint(tenant, receiver.url("/redirect"));
        Reply redirect = new Reply(302, Map.of("Location", receiver.url("/redirect-target")), "");
        receiver.script("/redirect", redirect, redirect, redirect, redirect, redirect, redirect);

        platform.runFinished(tenant, UUID.randomUUID(), "production");

        JsonPath log = awaitDelivery(tenant, endpoint, "failed");
        assertEquals(6, log.getInt("deliveries[0].attempts"), "every attempt of the schedule was made");
        assertEquals(302, log.getInt("deliveries[0].attemptLog[0].statusCode"));
        assertEquals("http_status", log.getString("deliveries[0].lastErrorClass"));
        assertTrue(receiver.received("/redirect-target").isEmpty(), "the redirect must not be followed");
    }

    @Test
    void goneDisablesTheEndpointUntilItIsReenabledWithWhatItMissed() {
        UUID tenant = Platform.tenant();
        Endpoint endpoint = Platform.endpoint(tenant, receiver.url("/gone"));
        receiver.script("/gone", Reply.status(410));
        UUID first = UUID.randomUUID();

        platform.runFinished(tenant, first, "production");
        await().atMost(PATIENCE).until(() -> health(tenant, endpoint).getString("state").equals("disabled"));
        UUID second = UUID.randomUUID();
        platform.runFinished(tenant, second, "production");
        await().atMost(PATIENCE).until(() -> health(tenant, endpoint).getLong("missed") == 2);
        assertEquals(1, receiver.received("/gone").size(), "nothing is sent to a disabled endpoint");
        assertEquals(false, health(tenant, endpoint).getBoolean("receiving"));

        given().contentType("application/json").body("{\"redeliverMissed\":true}")
                .post("/internal/tenants/{t}/webhooks/{w}/enable", tenant, endpoint.id())
                .then().statusCode(200).body("missed", equalTo(2)).body("redelivered", equalTo(2));

        await().atMost(PATIENCE).until(() -> receiver.received("/gone").size() == 3);
        assertTrue(receiver.received("/gone").stream().anyMatch(r -> r.body().contains(second.toString())));
        assertEquals("healthy", health(tenant, endpoint).getString("state"));
    }

    @Test
    void retryAfterPausesTheEndpoint() {
        UUID tenant = Platform.tenant();
        Endpoint endpoint = Platform.endpoint(tenant, receiver.url("/busy"));
        receiver.script("/busy", new Reply(429, Map.of("Retry-After", "2"), "slow down"));

        platform.runFinished(tenant, UUID.randomUUID(), "production");

        JsonPath log = awaitDelivery(tenant, endpoint, "delivered");
        assertEquals(List.of(429, 200), log.getList("deliveries[0].attemptLog.statusCode"));
        // The second attempt came after the pause the endpoint asked for, not after the schedule's 300 ms.
        String firstAt = log.getString("deliveries[0].attemptLog[0].at");
        String secondAt = log.getString("deliveries[0].attemptLog[1].at");
        assertTrue(Duration.between(java.time.OffsetDateTime.parse(firstAt), java.time.OffsetDateTime.parse(secondAt))
                .compareTo(Duration.ofMillis(1900)) >= 0, firstAt + " then " + secondAt);
    }

    @Test
    void anEndpointThatIsDownHasItsDeliveriesParkedThenDrained() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        UUID tenant = Platform.tenant();
        Endpoint endpoint = Platform.endpoint(tenant, "http://127.0.0.1:" + port + "/down");
        List<UUID> runs = IntStream.range(0, 12).mapToObj(i -> UUID.randomUUID()).toList();

        runs.forEach(run -> platform.runFinished(tenant, run, "production"));

        await().atMost(PATIENCE).until(() -> health(tenant, endpoint).getString("state").equals("circuit_open"));
        assertEquals("connect", awaitAnyAttempt(tenant, endpoint).getString("deliveries[0].attemptLog[0].errorClass"));
        try (Receiver late = Receiver.start(port)) {
            await().atMost(PATIENCE).until(() -> late.received("/down").stream().map(Received::body).distinct().count() == runs.size());
            for (UUID run : runs) {
                assertTrue(late.received("/down").stream().anyMatch(r -> r.body().contains(run.toString())), "run " + run);
            }
            await().atMost(PATIENCE).until(() -> health(tenant, endpoint).getString("state").equals("healthy"));
            JsonPath log = given().get("/internal/tenants/{t}/webhooks/{w}/deliveries?status=delivered&limit=100", tenant, endpoint.id())
                    .then().statusCode(200).extract().jsonPath();
            assertEquals(runs.size(), log.getList("deliveries").size());
            // Parked deliveries did not burn their schedule: none came near its six attempts.
            assertTrue(log.getList("deliveries.attempts", Integer.class).stream().allMatch(n -> n < 6), log.prettify());
        }
    }

    @Test
    void privateAndMetadataAddressesReceiveNothing() {
        UUID tenant = Platform.tenant();
        Endpoint metadata = Platform.endpoint(tenant, "http://169.254.169.254/latest/meta-data/");
        Endpoint privateNet = Platform.endpoint(tenant, "http://10.0.0.1:8080/hook");

        platform.runFinished(tenant, UUID.randomUUID(), "production");

        for (Endpoint endpoint : List.of(metadata, privateNet)) {
            JsonPath log = awaitAnyAttempt(tenant, endpoint);
            assertEquals("blocked_address", log.getString("deliveries[0].attemptLog[0].errorClass"));
            assertTrue(log.getString("deliveries[0].attemptLog[0].error").contains("is not a public address"));
            assertEquals(null, log.getString("deliveries[0].attemptLog[0].statusCode"));
        }
    }

    @Test
    void aSlowEndpointDoesNotHoldUpAnotherTenant() {
        UUID slowTenant = Platform.tenant();
        Platform.endpoint(slowTenant, receiver.url("/slow"));
        UUID fastTenant = Platform.tenant();
        Platform.endpoint(fastTenant, receiver.url("/fast"));
        int limit = config.limits().maxInFlightPerEndpoint();
        int events = limit + 22;
        receiver.hold("/slow");
        try {
            IntStream.range(0, events).forEach(i -> platform.runFinished(slowTenant, UUID.randomUUID(), "production"));
            await().atMost(PATIENCE).until(() -> receiver.held() >= limit);

            UUID fastRun = UUID.randomUUID();
            platform.runFinished(fastTenant, fastRun, "production");

            await().atMost(PATIENCE).until(() -> receiver.received("/fast").stream().anyMatch(r -> r.body().contains(fastRun.toString())));
            assertTrue(receiver.held() >= limit, "the slow endpoint's requests were still unanswered");
            assertEquals(limit, receiver.received("/slow").size(), "no more than the per-endpoint limit is in flight");
        } finally {
            receiver.release("/slow");
        }
        await().atMost(PATIENCE).until(() -> receiver.received("/slow").size() == events);
    }

    @Test
    void pingAndReplayReachTheEndpointWithTheSameEventId() {
        UUID tenant = Platform.tenant();
        Endpoint endpoint = Platform.endpoint(tenant, receiver.url("/ping"), List.of("workflowrun.finished"), "nowhere");

        JsonPath ping = given().post("/internal/tenants/{t}/webhooks/{w}/ping", tenant, endpoint.id())
                .then().statusCode(202).extract().jsonPath();
        await().atMost(PATIENCE).until(() -> receiver.received("/ping").size() == 1);
        Received first = receiver.received("/ping").get(0);
        assertEquals("ping", first.header("PromptJuggler-Event"));
        assertEquals(ping.getString("eventId"), first.header("PromptJuggler-Event-Id"));
        awaitDelivery(tenant, endpoint, "delivered");

        given().post("/internal/tenants/{t}/webhooks/{w}/deliveries/{d}/replay", tenant, endpoint.id(), ping.getString("deliveryId"))
                .then().statusCode(202).body("id", equalTo(ping.getString("deliveryId")));
        await().atMost(PATIENCE).until(() -> receiver.received("/ping").size() == 2);
        Received replayed = receiver.received("/ping").get(1);
        assertEquals(ping.getString("eventId"), replayed.header("PromptJuggler-Event-Id"));
        assertEquals("2", replayed.header("PromptJuggler-Attempt"));
        assertTrue(Signatures.verifies(replayed.header("PromptJuggler-Signature"), replayed.body(), endpoint.secret()));
    }

    @Test
    void failedDeliveriesInATimeRangeCanBeReplayed() {
        UUID tenant = Platform.tenant();
        Endpoint endpoint = Platform.endpoint(tenant, receiver.url("/range"));
        receiver.script("/range", IntStream.range(0, 6).mapToObj(i -> Reply.status(500)).toArray(Reply[]::new));
        UUID run = UUID.randomUUID();
        platform.runFinished(tenant, run, "production");
        awaitDelivery(tenant, endpoint, "failed");

        given().contentType("application/json").body("{\"from\":\"2000-01-01T00:00:00Z\",\"to\":\"2100-01-01T00:00:00Z\"}")
                .post("/internal/tenants/{t}/webhooks/{w}/replay", tenant, endpoint.id())
                .then().statusCode(202).body("replayed", equalTo(1));

        JsonPath log = awaitDelivery(tenant, endpoint, "delivered");
        assertEquals(7, log.getInt("deliveries[0].attempts"));
        assertEquals(7, receiver.received("/range").size());
    }

    @Test
    void anotherTenantSeesNoneOfIt() {
        UUID tenant = Platform.tenant();
        Endpoint endpoint = Platform.endpoint(tenant, receiver.url("/sealed"));
        UUID stranger = Platform.tenant();

        given().get("/internal/tenants/{t}/webhooks/{w}/deliveries", stranger, endpoint.id())
                .then().statusCode(404).body("error", equalTo("no such webhook endpoint"));
        given().post("/internal/tenants/{t}/webhooks/{w}/ping", stranger, endpoint.id()).then().statusCode(404);
        given().get("/internal/tenants/{t}/webhooks/{w}/health", stranger, endpoint.id()).then().statusCode(404);
        given().get("/internal/tenants/{t}/webhooks/{w}/deliveries?status=bogus", tenant, endpoint.id())
                .then().statusCode(422).body("error", org.hamcrest.Matchers.startsWith("status must be one of"));
        assertTrue(receiver.received("/sealed").isEmpty());
    }

    private static JsonPath health(UUID tenant, Endpoint endpoint) {
        return given().get("/internal/tenants/{t}/webhooks/{w}/health", tenant, endpoint.id())
                .then().statusCode(200).extract().jsonPath();
    }

    private static JsonPath awaitDelivery(UUID tenant, Endpoint endpoint, String status) {
        return await().atMost(PATIENCE).until(() -> given()
                        .get("/internal/tenants/{t}/webhooks/{w}/deliveries", tenant, endpoint.id())
                        .then().statusCode(200).extract().jsonPath(),
                log -> status.equals(log.getString("deliveries[0].status")));
    }

    private static JsonPath awaitAnyAttempt(UUID tenant, Endpoint endpoint) {
        return await().atMost(PATIENCE).until(() -> given()
                        .get("/internal/tenants/{t}/webhooks/{w}/deliveries", tenant, endpoint.id())
                        .then().statusCode(200).extract().jsonPath(),
                log -> log.getList("deliveries[0].attemptLog") != null && !log.getList("deliveries[0].attemptLog").isEmpty());
    }
}
