package dev.promptjuggler.gateway.api;

import static dev.promptjuggler.gateway.api.Api.as;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.promptjuggler.contracts.RunFinished;
import dev.promptjuggler.contracts.RunKind;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * GET /manage/v1/runs and /runs/{id}: runs accepted through the public API, listed under each filter newest first,
 * paged with the cursor, and one shown in full with run-executor's state of it and webhook-dispatcher's deliveries of
 * its finished event (both written here with SQL, as those services store them).
 */
@QuarkusTest
class RunHistoryTest {

    @Inject
    Pool pool;

    private String key;
    private String keyId;
    private String prompt;
    private String workflow;

    @BeforeEach
    void tenantWithAPromptAndAWorkflow() {
        key = Api.newTenant();
        keyId = as(key).get("/manage/v1/api-keys").then().statusCode(200).extract().path("[0].id");
        prompt = Api.createPrompt(key, "History", Api.promptDraft("Say {{x}}"));
        Api.publish(key, "prompts", prompt);
        Api.publish(key, "prompts", prompt);
        as(key).body(Map.of("version", 1)).put("/manage/v1/prompts/{slug}/tags/production", prompt).then().statusCode(200);
        workflow = as(key).body(Map.of("name", "History Flow " + UUID.randomUUID(), "draft", Map.of("nodes", List.of())))
                .post("/manage/v1/workflows").then().statusCode(201).extract().path("slug");
        Api.publish(key, "workflows", workflow);
    }

    @Test
    void eachFilterKeepsOnlyTheRunsItNames() {
        String v1 = runPrompt("1", Map.of("inputs", Map.of("x", "a"), "metadata", Map.of("customer", "acme"),
                "priority", "low", "environment", "staging"));
        String v2 = runPrompt("2", Map.of("inputs", Map.of("x", "b"), "metadata",
                Map.of("customer", "globex", "labels", List.of("vip", "eu"))));
        String thread = as(key).get("/manage/v1/runs/{id}", v2).then().statusCode(200).extract().path("thread");
        String onThread = runPrompt("2", Map.of("inputs", Map.of("x", "c"), "thread", thread));
        String flow = as(key).body(Map.of("inputs", Map.of(), "priority", "onsite")).post("/api/v1/workflows/{s}/1/runs", workflow)
                .then().statusCode(200).extract().path("id");
        finish(v1, "failed");

        assertEquals(List.of(flow, onThread, v2, v1), ids(Map.of()));
        assertEquals(List.of(onThread, v2, v1), ids(Map.of("kind", "prompt")));
        assertEquals(List.of(flow), ids(Map.of("kind", "workflow")));
        assertEquals(List.of(onThread, v2, v1), ids(Map.of("definition", prompt)));
        assertEquals(List.of(flow), ids(Map.of("definition", workflow)));
        assertEquals(List.of(onThread, v2), ids(Map.of("definition", prompt, "version", "2")));
        assertEquals(List.of(v1), ids(Map.of("definition", prompt, "tag", "production")));
        assertEquals(List.of(), ids(Map.of("definition", prompt, "tag", "nowhere")));
        assertEquals(List.of(), ids(Map.of("definition", "pr_no_such_prompt")));
        assertEquals(List.of(onThread, v2), ids(Map.of("thread", thread)));
        assertEquals(List.of(v1), ids(Map.of("status", "failed")));
        assertEquals(List.of(flow, onThread, v2), ids(Map.of("status", "pending")));
        assertEquals(List.of(v1), ids(Map.of("priority", "low")));
        assertEquals(List.of(flow), ids(Map.of("priority", "onsite")));
        assertEquals(List.of(v1), ids(Map.of("environment", "staging")));
        assertEquals(List.of(v1), ids(Map.of("metadata.customer", "acme")));
        assertEquals(List.of(v2), ids(Map.of("metadata.labels", "vip")));
        assertEquals(List.of(v2), ids(Map.of("metadata.customer", "globex", "metadata.labels", "eu")));
        assertEquals(List.of(), ids(Map.of("metadata.customer", "acme", "metadata.labels", "eu")));
        assertEquals(List.of(), ids(Map.of("metadata.customer", "acm")));

        String v2CreatedAt = as(key).get("/manage/v1/runs/{id}", v2).then().extract().path("createdAt");
        assertEquals(List.of(v1), ids(Map.of("createdBefore", v2CreatedAt)));
        assertEquals(List.of(flow, onThread), ids(Map.of("createdAfter", v2CreatedAt)));
        assertEquals(List.of(), ids(Map.of("createdAfter", "2999-01-01")));
    }

    @Test
    void pagesFollowTheCursorNewestFirstWithNothingSkippedOrRepeated() {
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            created.add(0, runPrompt("1", Map.of("inputs", Map.of("x", "n" + i), "metadata", Map.of("batch", "paging"))));
        }
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            var request = as(key).queryParam("limit", 3).queryParam("metadata.batch", "paging");
            if (cursor != null) {
                request.queryParam("cursor", cursor);
            }
            JsonPath page = request.get("/manage/v1/runs").then().statusCode(200).extract().jsonPath();
            seen.addAll(page.getList("runs.id"));
            cursor = page.getString("nextCursor");
            pages++;
        } while (cursor != null);
        assertEquals(created, seen);
        assertEquals(3, pages);
    }

    @Test
    void aRunShowsEverythingKnownOfItWithItsWebhookDeliveries() {
        String id = runPrompt("production", Map.of("inputs", Map.of("x", "hello"), "metadata",
                Map.of("order", "o-42"), "priority", "onsite", "environment", "prod-eu"));
        as(key).get("/manage/v1/runs/{id}", id).then().statusCode(200)
                .body("status", equalTo("pending"))
                .body("startedAt", nullValue())
                .body("attempts", equalTo(0))
                .body("webhooks.deliveries.size()", equalTo(0));

        String endpoint = as(key).body(Map.of("url", "https://hooks.example.com/history")).post("/manage/v1/webhooks")
                .then().statusCode(201).extract().path("id");
        sql("INSERT INTO executor.run_states (run_id, status, attempts, started_at, finished_at, output, token_usage,"
                + " cost) VALUES ($1, 'completed', 2, now() - interval '1 second', now(), 'Hi hello',"
                + " '{\"input\": 12, \"inputCached\": 2, \"output\": 3, \"reasoning\": 0, \"total\": 15}',"
                + " '{\"success\": {\"input\": 0.1, \"cachedInput\": 0, \"cacheWrite\": 0, \"output\": 0.2,"
                + " \"webSearch\": 0, \"total\": 0.3}, \"retries\": {\"input\": 0, \"cachedInput\": 0,"
                + " \"cacheWrite\": 0, \"output\": 0, \"webSearch\": 0, \"total\": 0}, \"total\": 0.3}')",
                Tuple.of(UUID.fromString(id)));
        UUID eventId = RunFinished.eventId(RunKind.PROMPT, UUID.fromString(id));
        UUID delivery = UUID.randomUUID();
        sql("INSERT INTO dispatch.events (id, tenant_id, type, environment, payload) SELECT $1, tenant_id,"
                + " 'promptrun.finished', 'prod-eu', '{}' FROM gateway.runs WHERE id = $2",
                Tuple.of(eventId, UUID.fromString(id)));
        sql("INSERT INTO dispatch.deliveries (id, event_id, endpoint_id, tenant_id, status, attempts, last_status_code,"
                + " last_attempt_at, delivered_at) SELECT $1, $2, $3, tenant_id, 'delivered', 2, 200, now(), now()"
                + " FROM gateway.runs WHERE id = $4",
                Tuple.of(delivery, eventId, UUID.fromString(endpoint), UUID.fromString(id)));
        sql("INSERT INTO dispatch.delivery_attempts (delivery_id, attempt, status_code, latency_ms, error_class, error)"
                + " VALUES ($1, 1, 503, 40, 'http_5xx', 'HTTP 503'), ($1, 2, 200, 12, NULL, NULL)", Tuple.of(delivery));

        JsonPath run = as(key).get("/manage/v1/runs/{id}", id).then().statusCode(200).extract().jsonPath();
        assertEquals(id, run.getString("id"));
        assertEquals("prompt", run.getString("kind"));
        assertEquals("completed", run.getString("status"));
        assertEquals(prompt, run.getString("definition.slug"));
        assertEquals(1, run.getInt("revision.version"));
        assertEquals(Map.of("x", "hello"), run.getMap("inputs"));
        assertEquals(Map.of("order", "o-42"), run.getMap("metadata"));
        assertEquals("onsite", run.getString("priority"));
        assertEquals("prod-eu", run.getString("environment"));
        assertEquals("default", run.getString("channel"));
        assertEquals(keyId, run.getString("apiKeyId"));
        assertEquals(2, run.getInt("attempts"));
        assertEquals("Hi hello", run.getString("output"));
        assertEquals(15, run.getInt("tokenUsage.total"));
        assertEquals(0.3, run.getDouble("cost.total"), 1e-12);
        assertNotNull(run.getString("createdAt"));
        assertNotNull(run.getString("startedAt"));
        assertNotNull(run.getString("finishedAt"));
        assertEquals(eventId.toString(), run.getString("webhooks.eventId"));
        assertEquals(List.of(delivery.toString()), run.getList("webhooks.deliveries.id"));
        assertEquals(endpoint, run.getString("webhooks.deliveries[0].endpointId"));
        assertEquals("promptrun.finished", run.getString("webhooks.deliveries[0].event"));
        assertEquals("delivered", run.getString("webhooks.deliveries[0].status"));
        assertEquals(List.of(503, 200), run.getList("webhooks.deliveries[0].attemptLog.statusCode"));
        assertEquals("http_5xx", run.getString("webhooks.deliveries[0].attemptLog[0].errorClass"));

        // The revision a run ran is the one shown, whatever its tag points at later.
        as(key).body(Map.of("version", 2)).put("/manage/v1/prompts/{slug}/tags/production", prompt).then().statusCode(200);
        as(key).get("/manage/v1/runs/{id}", id).then().body("revision.version", equalTo(1));
        assertEquals(List.of(), ids(Map.of("definition", prompt, "tag", "production", "metadata.order", "o-42")));
    }

    @Test
    void aMissingOrMalformedRunIs404() {
        as(key).get("/manage/v1/runs/{id}", UUID.randomUUID()).then().statusCode(404).body("error", containsString("not found"));
        as(key).get("/manage/v1/runs/not-a-uuid").then().statusCode(404).body("error", containsString("id must be a UUID"));
    }

    @Test
    void badQueriesAreRefusedNamingTheParameter() {
        Map<String, Map<String, String>> cases = new LinkedHashMap<>();
        cases.put("stauts", Map.of("stauts", "failed"));
        cases.put("cursor", Map.of("cursor", "not-a-cursor"));
        cases.put("createdAfter", Map.of("createdAfter", "yesterday"));
        cases.put("createdBefore", Map.of("createdBefore", "2026-13-01"));
        cases.put("limit", Map.of("limit", "0"));
        cases.put("limit must", Map.of("limit", "201"));
        cases.put("limit must be", Map.of("limit", "ten"));
        cases.put("kind", Map.of("kind", "agent"));
        cases.put("status", Map.of("status", "running"));
        cases.put("priority", Map.of("priority", "urgent"));
        cases.put("thread", Map.of("thread", "t-1"));
        cases.put("version needs definition", Map.of("version", "1"));
        cases.put("tag needs definition", Map.of("tag", "production"));
        cases.put("version must", Map.of("definition", "pr_x", "version", "latest"));
        cases.put("metadata.", Map.of("metadata.", "x"));
        cases.forEach((named, query) -> as(key).queryParams(query).get("/manage/v1/runs").then().statusCode(400)
                .body("error", containsString(named.split(" ")[0])));
        as(key).get("/manage/v1/runs?kind=prompt&kind=workflow").then().statusCode(400)
                .body("error", equalTo("query parameter kind is given more than once"));
    }

    /** The run ids the list gives for a query, all pages. */
    private List<String> ids(Map<String, String> query) {
        JsonPath page = as(key).queryParams(query).queryParam("limit", 200).get("/manage/v1/runs")
                .then().statusCode(200).body("nextCursor", nullValue()).extract().jsonPath();
        List<String> ids = page.getList("runs.id");
        assertEquals(ids.size(), new HashSet<>(ids).size());
        return ids;
    }

    private String runPrompt(String version, Map<String, Object> body) {
        return as(key).body(body).post("/api/v1/prompts/{s}/{v}/runs", prompt, version)
                .then().statusCode(200).extract().path("id");
    }

    private void finish(String runId, String status) {
        sql("INSERT INTO executor.run_states (run_id, status, finished_at, error) VALUES ($1, $2, now(), 'boom')",
                Tuple.of(UUID.fromString(runId), status));
    }

    private void sql(String statement, Tuple arguments) {
        pool.preparedQuery(statement).execute(arguments).await().indefinitely();
    }
}
