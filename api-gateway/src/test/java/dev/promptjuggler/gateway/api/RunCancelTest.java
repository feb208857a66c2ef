package dev.promptjuggler.gateway.api;

import static dev.promptjuggler.gateway.api.Api.as;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /manage/v1/runs/{id}/cancel}: the request is stored for the executor and announced on
 * {@code runs.cancel}; an ended run is a 409, nothing stored. And a definition's settings with its run deadline.
 * No executor runs here: runs stay pending unless the test writes the executor's state as run-executor would.
 */
@QuarkusTest
class RunCancelTest {

    @Inject
    Pool pool;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    private String key;
    private String prompt;

    @BeforeEach
    void tenantWithAPrompt() {
        key = Api.newTenant();
        prompt = Api.createPrompt(key, "Cancellable", Api.promptDraft("Take your time {{x}}"));
        Api.publish(key, "prompts", prompt);
    }

    @Test
    void aPendingRunsCancelIsStoredAndAnnouncedAndARepeatAnswersTheSame() throws Exception {
        String run = run();
        try (var probe = new TopicProbe(bootstrapServers, "runs.cancel")) {
            String requestedAt = as(key).post("/manage/v1/runs/{id}/cancel", run).then().statusCode(202)
                    .body("id", equalTo(run)).body("kind", equalTo("prompt")).body("status", equalTo("pending"))
                    .body("cancelRequestedAt", notNullValue())
                    .extract().path("cancelRequestedAt");

            var record = probe.await(r -> run.equals(r.key()), Duration.ofSeconds(30)).orElseThrow();
            assertTrue(record.value().contains("\"runId\":\"" + run + "\""), record.value());
            assertEquals("run.cancelrequested", new String(record.headers().lastHeader("ce_type").value()));
            assertEquals(List.of(UUID.fromString(run)), cancellations(run));

            as(key).post("/manage/v1/runs/{id}/cancel", run).then().statusCode(202)
                    .body("cancelRequestedAt", equalTo(requestedAt));
            assertEquals(1, cancellations(run).size());
        }
        // The gateway never writes the executor's state: the run reads pending until the executor ends it.
        as(key).get("/api/v1/promptruns/{id}", run).then().statusCode(200).body("status", equalTo("pending"));
    }

    @Test
    void aWorkflowRunIsCancelledTheSameWay() {
        String workflow = as(key).body(Map.of("name", "Cancellable Flow " + UUID.randomUUID(), "draft",
                        Map.of("nodes", List.of()))).post("/manage/v1/workflows").then().statusCode(201).extract().path("slug");
        Api.publish(key, "workflows", workflow);
        String run = as(key).body(Map.of("inputs", Map.of())).post("/api/v1/workflows/{slug}/1/runs", workflow)
                .then().statusCode(200).extract().path("id");

        as(key).post("/manage/v1/runs/{id}/cancel", run).then().statusCode(202).body("kind", equalTo("workflow"));
    }

    @Test
    void anEndedRunIsAConflictAndNothingIsStored() {
        String run = run();
        sql("INSERT INTO executor.run_states (run_id, status, finished_at, output) VALUES ($1, 'completed', now(), 'done')",
                Tuple.of(UUID.fromString(run)));

        as(key).post("/manage/v1/runs/{id}/cancel", run).then().statusCode(409)
                .body("error", equalTo("run " + run + " has already ended (completed): only a pending run can be cancelled"));
        assertEquals(List.of(), cancellations(run));
    }

    @Test
    void unknownRunsAndBadIdsAreRefusedAndNothingIsStored() {
        as(key).post("/manage/v1/runs/{id}/cancel", UUID.randomUUID().toString()).then().statusCode(404)
                .body("error", equalTo("run not found"));
        as(key).post("/manage/v1/runs/{id}/cancel", "not-a-run").then().statusCode(404)
                .body("error", equalTo("run not found: id must be a UUID"));
        // A control character is refused before any resource sees the id.
        as(key).urlEncodingEnabled(false).post("/manage/v1/runs/%0A/cancel").then().statusCode(400)
                .body("error", notNullValue());
        as(key).get("/manage/v1/runs/{id}/cancel", UUID.randomUUID().toString()).then().statusCode(405);
    }

    @Test
    void aDefinitionsRunDeadlineIsSetReadAndCleared() {
        as(key).get("/manage/v1/prompts/{slug}/settings", prompt).then().statusCode(200)
                .body("runTimeoutSeconds", nullValue());
        as(key).body(Map.of("runTimeoutSeconds", 30)).put("/manage/v1/prompts/{slug}/settings", prompt).then()
                .statusCode(200).body("runTimeoutSeconds", equalTo(30));
        as(key).get("/manage/v1/prompts/{slug}/settings", prompt).then().body("runTimeoutSeconds", equalTo(30));
        assertEquals(30, (Integer) pool.preparedQuery("SELECT run_timeout_seconds FROM gateway.definitions WHERE slug = $1")
                .execute(Tuple.of(prompt)).await().indefinitely().iterator().next().getValue(0));

        as(key).body(Map.of("runTimeoutSeconds", 0)).put("/manage/v1/prompts/{slug}/settings", prompt).then()
                .statusCode(422).body("error", org.hamcrest.Matchers.containsString("runTimeoutSeconds"));
        as(key).body(Map.of("runTimeoutSeconds", "30s")).put("/manage/v1/prompts/{slug}/settings", prompt).then()
                .statusCode(422).body("error", org.hamcrest.Matchers.containsString("runTimeoutSeconds"));
        as(key).get("/manage/v1/prompts/{slug}/settings", prompt).then().body("runTimeoutSeconds", equalTo(30));

        as(key).body("{\"runTimeoutSeconds\": null}").put("/manage/v1/prompts/{slug}/settings", prompt).then()
                .statusCode(200).body("runTimeoutSeconds", nullValue());
        as(key).get("/manage/v1/prompts/{slug}/settings", prompt).then().body("runTimeoutSeconds", nullValue());
        as(key).get("/manage/v1/workflows/{slug}/settings", prompt).then().statusCode(404);
    }

    private String run() {
        return as(key).body(Map.of("inputs", Map.of("x", "1"))).post("/api/v1/prompts/{slug}/1/runs", prompt)
                .then().statusCode(200).extract().path("id");
    }

    private List<UUID> cancellations(String run) {
        List<UUID> found = new java.util.ArrayList<>();
        pool.preparedQuery("SELECT run_id FROM gateway.run_cancellations WHERE run_id = $1")
                .execute(Tuple.of(UUID.fromString(run))).await().indefinitely()
                .forEach(row -> found.add(row.getUUID("run_id")));
        return found;
    }

    private void sql(String statement, Tuple arguments) {
        pool.preparedQuery(statement).execute(arguments).await().indefinitely();
    }
}
