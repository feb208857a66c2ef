package dev.promptjuggler.gateway.api;

import static dev.promptjuggler.gateway.api.Api.as;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A thread as the management API shows, forks and erases it. The runs are accepted through the API; their outcomes
 * and memory are seeded as run-executor stores them (no executor runs in this module's tests).
 */
@QuarkusTest
class ThreadManagementTest {

    @Inject
    Pool pool;

    private String key;
    private String slug;
    private String marker;
    private String thread;
    private List<String> runs;
    private List<Long> messages;

    @BeforeEach
    void aThreadWithTwoFinishedRunsAndTheirMemory() {
        key = Api.newTenant();
        slug = Api.createPrompt(key, "Threaded", Api.promptDraft("Tell me {{x}}"));
        Api.publish(key, "prompts", slug);
        marker = "marker-" + UUID.randomUUID();
        runs = new ArrayList<>();
        messages = new ArrayList<>();
        thread = null;
        for (int turn = 1; turn <= 2; turn++) {
            Map<String, Object> body = thread == null
                    ? Map.of("inputs", Map.of("x", marker + " question " + turn), "metadata", Map.of("m", marker))
                    : Map.of("inputs", Map.of("x", marker + " question " + turn), "metadata", Map.of("m", marker),
                            "thread", thread);
            JsonPath run = as(key).body(body).post("/api/v1/prompts/{slug}/1/runs", slug)
                    .then().statusCode(200).extract().jsonPath();
            thread = run.getString("thread");
            UUID runId = UUID.fromString(run.getString("id"));
            runs.add(runId.toString());
            finish(runId, turn);
        }
    }

    /** As run-executor stores a completed run: outcome, usage, cost, transcript, and the two messages it remembers. */
    private void finish(UUID runId, int turn) {
        sql("INSERT INTO executor.run_states (run_id, status, finished_at, output, token_usage, cost, transcript, emitted)"
                        + " VALUES ($1, 'completed', now(), $2, '{\"input\": 10, \"output\": 5, \"total\": 15}',"
                        + " '{\"total\": 0.25}', $3::text::jsonb, $4::text::jsonb)",
                Tuple.of(runId, marker + " answer " + turn,
                        "[{\"type\": \"message\", \"role\": \"assistant\", \"content\": \"" + marker + "\"}]",
                        "[{\"key\": \"k\", \"value\": \"" + marker + "\"}]"));
        for (String role : List.of("user", "assistant")) {
            messages.add(message("default", runId, role, marker + " " + role + " " + turn));
        }
    }

    /** A message of the thread's memory, as run-executor writes it; its id. */
    private long message(String channel, UUID runId, String role, String content) {
        return sql("INSERT INTO executor.thread_messages (thread_id, channel, run_id, role, content)"
                        + " VALUES ($1, $2, $3, $4, $5) RETURNING id",
                Tuple.of(UUID.fromString(thread), channel, runId, role, content))
                .iterator().next().getLong("id");
    }

    private static List<Long> ids(JsonPath page) {
        return page.getList("messages.id", Long.class);
    }

    @Test
    void theThreadShowsItsRunsAndItsMemoryPerChannel() {
        as(key).get("/manage/v1/threads/{id}", thread).then().statusCode(200)
                .body("id", equalTo(thread))
                .body("runs.id", contains(runs.get(0), runs.get(1)))
                .body("runs.status", contains("completed", "completed"))
                .body("runs.kind", contains("prompt", "prompt"))
                .body("memory.default.content", contains(marker + " user 1", marker + " assistant 1",
                        marker + " user 2", marker + " assistant 2"))
                .body("memory.default.id", contains(messages.stream().map(Long::intValue).toArray()))
                .body("memory.default[0].runId", equalTo(runs.get(0)));
    }

    @Test
    void theMemoryReadsAPageAtATimeNewestFirstEachPageOldestFirst() {
        // Another lane: five messages of "side" after the default lane's four, then one more of the default lane.
        UUID firstRun = UUID.fromString(runs.get(0));
        List<Long> side = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            side.add(message("side", firstRun, "user", marker + " side " + i));
        }
        long last = message("default", firstRun, "assistant", marker + " last");

        JsonPath newest = as(key).queryParam("limit", 3).get("/manage/v1/threads/{id}/messages", thread)
                .then().statusCode(200).extract().jsonPath();
        assertEquals(List.of(side.get(3), side.get(4), last), ids(newest));
        assertEquals(List.of("side", "side", "default"), newest.getList("messages.channel"));
        assertEquals(side.get(3), newest.getLong("nextBefore"));

        JsonPath older = as(key).queryParam("limit", 3).queryParam("before", newest.getLong("nextBefore"))
                .get("/manage/v1/threads/{id}/messages", thread).then().statusCode(200).extract().jsonPath();
        assertEquals(side.subList(0, 3), ids(older));
        assertEquals(side.get(0), older.getLong("nextBefore"));

        JsonPath oldest = as(key).queryParam("limit", 50).queryParam("before", older.getLong("nextBefore"))
                .get("/manage/v1/threads/{id}/messages", thread).then().statusCode(200)
                .body("nextBefore", equalTo(null))
                .extract().jsonPath();
        assertEquals(messages, ids(oldest));
        assertEquals(marker + " user 1", oldest.getString("messages[0].content"));
        assertEquals("user", oldest.getString("messages[0].role"));
        assertEquals(runs.get(0), oldest.getString("messages[0].runId"));

        // One channel: its newest two, then the rest of it.
        JsonPath lane = as(key).queryParam("channel", "default").queryParam("limit", 2)
                .get("/manage/v1/threads/{id}/messages", thread).then().statusCode(200).extract().jsonPath();
        assertEquals(List.of(messages.get(3), last), ids(lane));
        JsonPath laneRest = as(key).queryParam("channel", "default").queryParam("before", lane.getLong("nextBefore"))
                .get("/manage/v1/threads/{id}/messages", thread).then().statusCode(200)
                .body("nextBefore", equalTo(null)).extract().jsonPath();
        assertEquals(messages.subList(0, 3), ids(laneRest));
        // The default page is 50: all ten, oldest first.
        assertEquals(10, as(key).get("/manage/v1/threads/{id}/messages", thread).then().statusCode(200)
                .body("nextBefore", equalTo(null)).extract().jsonPath().getList("messages").size());
        as(key).queryParam("channel", "none-such").get("/manage/v1/threads/{id}/messages", thread).then()
                .statusCode(200).body("messages.size()", equalTo(0)).body("nextBefore", equalTo(null));
    }

    @Test
    void aBadPageRequestIs400NamingTheParameterAndAnotherTenantsThreadIs404() {
        for (Map.Entry<String, String> bad : Map.of("limit", "0", "before", "x", "channel", "", "page", "2").entrySet()) {
            as(key).queryParam(bad.getKey(), bad.getValue()).get("/manage/v1/threads/{id}/messages", thread)
                    .then().statusCode(400).body("error", containsString(bad.getKey()));
        }
        as(key).queryParam("limit", 501).get("/manage/v1/threads/{id}/messages", thread)
                .then().statusCode(400).body("error", equalTo("limit must be an integer from 1 to 500"));
        as(Api.newTenant()).get("/manage/v1/threads/{id}/messages", thread).then().statusCode(404);
        as(key).get("/manage/v1/threads/{id}/messages", UUID.randomUUID()).then().statusCode(404);
        as(key).delete("/manage/v1/threads/{id}", thread).then().statusCode(204);
        as(key).get("/manage/v1/threads/{id}/messages", thread).then().statusCode(410)
                .body("error", equalTo("thread " + thread + " was erased"));
    }

    @Test
    void aForkHoldsTheMemoryUpToTheMessageAndContinuesOnItsOwn() {
        JsonPath fork = as(key).body(Map.of("upToMessage", messages.get(1)))
                .post("/manage/v1/threads/{id}/fork", thread)
                .then().statusCode(201)
                .body("runs.size()", equalTo(0))
                .body("memory.default.content", contains(marker + " user 1", marker + " assistant 1"))
                .extract().jsonPath();
        String forked = fork.getString("id");
        assertTrue(!forked.equals(thread));
        as(key).get("/manage/v1/threads/{id}", forked).then().statusCode(200)
                .body("memory.default.size()", equalTo(2));
        // The fork is the tenant's thread: a run may continue it.
        as(key).body(Map.of("inputs", Map.of("x", "more"), "thread", forked)).post("/api/v1/prompts/{slug}/1/runs", slug)
                .then().statusCode(200).body("thread", equalTo(forked));
        // The original is unchanged.
        as(key).get("/manage/v1/threads/{id}", thread).then().body("memory.default.size()", equalTo(4));
    }

    @Test
    void aForkOfAMessageNotInTheThreadOrWithoutOneIsRefusedAndCreatesNothing() {
        long threads = count("SELECT count(*) FROM gateway.threads");
        as(key).body(Map.of("upToMessage", 0)).post("/manage/v1/threads/{id}/fork", thread)
                .then().statusCode(422).body("error", containsString("upToMessage"));
        as(key).body(Map.of()).post("/manage/v1/threads/{id}/fork", thread)
                .then().statusCode(422).body("error", containsString("upToMessage"));
        as(key).body(Map.of("upToMessage", "1")).post("/manage/v1/threads/{id}/fork", thread)
                .then().statusCode(422).body("error", containsString("upToMessage"));
        as(key).body(Map.of("upToMessage", messages.get(0))).post("/manage/v1/threads/{id}/fork", UUID.randomUUID())
                .then().statusCode(404);
        assertEquals(threads, count("SELECT count(*) FROM gateway.threads"));
    }

    @Test
    void erasingLeavesNoTraceOfTheContentAnywhereButKeepsTheRunsWithTheirUsage() {
        assertTrue(rowsHolding(marker) > 0, "the marker is stored before the erasure");

        as(key).delete("/manage/v1/threads/{id}", thread).then().statusCode(204);

        assertEquals(0, rowsHolding(marker), "rows of any schema still holding the thread's content");
        assertEquals(2, count("SELECT count(*) FROM gateway.runs_with_state WHERE thread_id = '" + thread + "'"
                + " AND status = 'completed' AND (token_usage->>'total')::int = 15 AND (cost->>'total')::numeric = 0.25"));
        for (String run : runs) {
            as(key).get("/api/v1/promptruns/{id}", run).then().statusCode(410)
                    .body("error", equalTo("prompt run " + run + " was erased with its thread " + thread));
        }
        as(key).get("/manage/v1/threads/{id}", thread).then().statusCode(410)
                .body("error", equalTo("thread " + thread + " was erased"));
        as(key).body(Map.of("upToMessage", messages.get(0))).post("/manage/v1/threads/{id}/fork", thread)
                .then().statusCode(410);
        as(key).body(Map.of("inputs", Map.of("x", "again"), "thread", thread)).post("/api/v1/prompts/{slug}/1/runs", slug)
                .then().statusCode(410).body("error", equalTo("thread " + thread + " was erased"));
        // Erasing again changes nothing.
        as(key).delete("/manage/v1/threads/{id}", thread).then().statusCode(204);
    }

    @Test
    void aThreadWithARunStillPendingIsNotErased() {
        as(key).body(Map.of("inputs", Map.of("x", marker), "thread", thread)).post("/api/v1/prompts/{slug}/1/runs", slug)
                .then().statusCode(200);
        as(key).delete("/manage/v1/threads/{id}", thread).then().statusCode(409)
                .body("error", containsString("runs that have not ended"));
        as(key).get("/manage/v1/threads/{id}", thread).then().statusCode(200).body("memory.default.size()", equalTo(4))
                .body("runs.size()", equalTo(3));
    }

    @Test
    void unknownAndMalformedThreadsAre404() {
        as(key).get("/manage/v1/threads/{id}", UUID.randomUUID()).then().statusCode(404);
        as(key).delete("/manage/v1/threads/{id}", "nope").then().statusCode(404)
                .body("error", equalTo("thread not found: id must be a UUID"));
    }

    /** Rows of every table of every schema of the platform whose text holds {@code text}. */
    private long rowsHolding(String text) {
        RowSet<Row> tables = sql("SELECT table_schema, table_name FROM information_schema.tables"
                + " WHERE table_schema IN ('gateway', 'executor', 'dispatch', 'knowledge') AND table_type = 'BASE TABLE'",
                Tuple.tuple());
        long found = 0;
        for (Row table : tables) {
            found += sql("SELECT count(*) FROM " + table.getString(0) + ".\"" + table.getString(1) + "\" t"
                    + " WHERE strpos(t::text, $1) > 0", Tuple.of(text)).iterator().next().getLong(0);
        }
        return found;
    }

    private long count(String query) {
        return sql(query, Tuple.tuple()).iterator().next().getLong(0);
    }

    private RowSet<Row> sql(String statement, Tuple arguments) {
        return pool.preparedQuery(statement).execute(arguments).await().indefinitely();
    }
}
