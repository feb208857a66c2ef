package dev.promptjuggler.gateway.api;

import static dev.promptjuggler.gateway.api.Api.as;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.promptjuggler.gateway.metrics.GatewayMetrics.Pruned;
import dev.promptjuggler.gateway.service.ApiKeyService;
import dev.promptjuggler.gateway.service.RetentionPruner;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A tenant's retention period: set on the management API, applied by the gateway's pruner to rows seeded as old
 * (created_at moved into the past), leaving recent rows and other tenants' rows alone.
 */
@QuarkusTest
class RetentionTest {

    @Inject
    Pool pool;

    @Inject
    RetentionPruner pruner;

    @Inject
    MeterRegistry registry;

    @Test
    void theSettingIsOffByDefaultAndTakesWholeDaysOrNull() {
        String key = Api.newTenant();
        as(key).get("/manage/v1/retention").then().statusCode(200).body("days", nullValue());
        as(key).body(Map.of("days", 30)).put("/manage/v1/retention").then().statusCode(200).body("days", equalTo(30));
        as(key).get("/manage/v1/retention").then().statusCode(200).body("days", equalTo(30));
        for (Object bad : List.of(0, -1, 36501, "30", 1.5)) {
            as(key).body(Map.of("days", bad)).put("/manage/v1/retention").then().statusCode(422)
                    .body("error", containsString("days"));
        }
        as(key).get("/manage/v1/retention").then().body("days", equalTo(30));
        as(key).body("{\"days\": null}").put("/manage/v1/retention").then().statusCode(200).body("days", nullValue());
        as(key).get("/manage/v1/retention").then().body("days", nullValue());
    }

    @Test
    void oldRunsThreadsAndDocumentBytesOfTenantsWithRetentionArePrunedAndCounted() {
        String keeping = Api.newTenant();
        as(keeping).body(Map.of("days", 30)).put("/manage/v1/retention").then().statusCode(200);
        String forever = Api.newTenant();
        // This round is about these two tenants only: earlier tests' tenants keep everything.
        sql("UPDATE gateway.tenants SET retention_days = NULL WHERE id NOT IN ($1, $2)",
                Tuple.of(tenant(keeping), tenant(forever)));

        Seeded expiring = seed(keeping, true);
        Seeded recent = seed(keeping, false);
        Seeded others = seed(forever, true);
        // A thread whose memory run-executor has not pruned yet stays until it has.
        UUID remembering = oldThreadWithMemory(keeping);
        Map<Pruned, Double> before = counters();

        Map<Pruned, Integer> pruned = pruner.prune().await().atMost(Duration.ofSeconds(30));

        assertEquals(Map.of(Pruned.RUNS, 2, Pruned.THREADS, 1, Pruned.DOCUMENT_BYTES, 1), pruned);
        Map<Pruned, Double> after = counters();
        for (Pruned kind : Pruned.values()) {
            assertEquals(pruned.get(kind).doubleValue(), after.get(kind) - before.get(kind), kind + " counter");
        }
        assertEquals(0, count("SELECT count(*) FROM gateway.runs WHERE thread_id = $1", expiring.thread));
        // run-executor's rows of the pruned runs went with them, in the same statement.
        assertEquals(0, count("SELECT count(*) FROM executor.run_states WHERE run_id = ANY($1)", expiring.runs));
        assertEquals(0, count("SELECT count(*) FROM executor.workflow_node_results WHERE run_id = ANY($1)",
                expiring.runs));
        assertEquals(0, count("SELECT count(*) FROM gateway.threads WHERE id = $1", expiring.thread));
        assertEquals(1, count("SELECT count(*) FROM gateway.knowledge_documents WHERE id = $1 AND content IS NULL",
                expiring.document));
        RestAssured.given().auth().oauth2(keeping).get("/api/v1/knowledge-documents/{id}", expiring.document)
                .then().statusCode(200).body("status", equalTo("ready"));
        for (Seeded untouched : List.of(recent, others)) {
            assertEquals(2, count("SELECT count(*) FROM gateway.runs WHERE thread_id = $1", untouched.thread));
            assertEquals(2, count("SELECT count(*) FROM executor.run_states WHERE run_id = ANY($1)", untouched.runs));
            assertEquals(2, count("SELECT count(*) FROM executor.workflow_node_results WHERE run_id = ANY($1)",
                    untouched.runs));
            assertEquals(1, count("SELECT count(*) FROM gateway.threads WHERE id = $1", untouched.thread));
            assertEquals(1, count("SELECT count(*) FROM gateway.knowledge_documents WHERE id = $1"
                    + " AND content IS NOT NULL", untouched.document));
        }
        assertEquals(1, count("SELECT count(*) FROM gateway.threads WHERE id = $1", remembering));

        assertEquals(Map.of(), pruner.prune().await().atMost(Duration.ofSeconds(30)), "nothing is left to prune");
    }

    private record Seeded(UUID thread, UUID[] runs, UUID document) {
    }

    /** Two finished runs on one thread and a processed document, 40 days old when {@code old}. */
    private Seeded seed(String key, boolean old) {
        String slug = Api.createPrompt(key, "Kept", Api.promptDraft("Hi {{x}}"));
        Api.publish(key, "prompts", slug);
        String thread = as(key).body(Map.of("inputs", Map.of("x", "1"))).post("/api/v1/prompts/{slug}/1/runs", slug)
                .then().statusCode(200).extract().path("thread");
        as(key).body(Map.of("inputs", Map.of("x", "2"), "thread", thread)).post("/api/v1/prompts/{slug}/1/runs", slug)
                .then().statusCode(200);
        String base = as(key).body(Map.of("name", "Kept KB " + UUID.randomUUID())).post("/manage/v1/knowledge-bases")
                .then().statusCode(201).extract().path("slug");
        UUID document = UUID.fromString(RestAssured.given().auth().oauth2(key)
                .multiPart("files[0]", "kept.txt", ("kept " + UUID.randomUUID()).getBytes(), "text/plain")
                .post("/api/v1/knowledge-bases/{slug}/documents", base)
                .then().statusCode(200).extract().path("[0].id"));
        // As knowledge-ingest leaves a processed document.
        sql("INSERT INTO knowledge.document_states (document_id, knowledge_base_id, status, finished_at, notified_at)"
                + " SELECT id, knowledge_base_id, 'ready', now(), now() FROM gateway.knowledge_documents WHERE id = $1",
                Tuple.of(document));
        UUID threadId = UUID.fromString(thread);
        // As run-executor leaves a finished run: its state and a workflow node's result.
        sql("INSERT INTO executor.run_states (run_id, status, finished_at, notified_at, output)"
                + " SELECT id, 'completed', now(), now(), 'x' FROM gateway.runs WHERE thread_id = $1", Tuple.of(threadId));
        sql("INSERT INTO executor.workflow_node_results (run_id, node_key, visit, node_type, status, started_at,"
                + " finished_at) SELECT id, 'n', 1, 'value', 'completed', now(), now() FROM gateway.runs"
                + " WHERE thread_id = $1", Tuple.of(threadId));
        List<UUID> runs = new ArrayList<>();
        sql("SELECT id FROM gateway.runs WHERE thread_id = $1", Tuple.of(threadId)).forEach(row -> runs.add(row.getUUID(0)));
        if (old) {
            sql("UPDATE gateway.runs SET created_at = now() - interval '40 days' WHERE thread_id = $1", Tuple.of(threadId));
            sql("UPDATE gateway.threads SET created_at = now() - interval '40 days' WHERE id = $1", Tuple.of(threadId));
            sql("UPDATE gateway.knowledge_documents SET created_at = now() - interval '40 days' WHERE id = $1",
                    Tuple.of(document));
        }
        return new Seeded(threadId, runs.toArray(UUID[]::new), document);
    }

    /** An old thread of the tenant's with no runs left but a message of memory. */
    private UUID oldThreadWithMemory(String key) {
        UUID thread = UUID.randomUUID();
        sql("INSERT INTO gateway.threads (id, tenant_id, created_at) VALUES ($1, $2, now() - interval '40 days')",
                Tuple.of(thread, tenant(key)));
        sql("INSERT INTO executor.thread_messages (thread_id, channel, run_id, role, content) VALUES ($1, '', $2, 'user', 'x')",
                Tuple.of(thread, UUID.randomUUID()));
        return thread;
    }

    private UUID tenant(String key) {
        return sql("SELECT tenant_id FROM gateway.api_keys WHERE key_hash = $1", Tuple.of(ApiKeyService.sha256Hex(key)))
                .iterator().next().getUUID(0);
    }

    private Map<Pruned, Double> counters() {
        Map<Pruned, Double> values = new EnumMap<>(Pruned.class);
        for (Pruned kind : Pruned.values()) {
            values.put(kind, registry.get("gateway.pruned").tag("kind", kind.name().toLowerCase()).counter().count());
        }
        return values;
    }

    private long count(String query, Object argument) {
        return sql(query, Tuple.of(argument)).iterator().next().getLong(0);
    }

    private RowSet<Row> sql(String statement, Tuple arguments) {
        return pool.preparedQuery(statement).execute(arguments).await().indefinitely();
    }
}
