package dev.promptjuggler.gateway.api;

import static dev.promptjuggler.gateway.api.Api.as;
import static org.hamcrest.Matchers.equalTo;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.promptjuggler.gateway.persistence.RunRepository;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Variable values are write-only and encrypted at rest; per-run overrides obey the documented limits. */
@QuarkusTest
class EnvironmentVariablesTest {

    private static final String SECRET = "sk-live-" + UUID.randomUUID();

    @Inject
    Pool pool;

    @Inject
    RunRepository runs;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    private String key;

    @BeforeEach
    void tenant() {
        key = Api.newTenant();
    }

    @Test
    void storedValuesAreWriteOnlyAndEncrypted() {
        String id = as(key).body(Map.of("value", SECRET)).put("/manage/v1/environment-variables/OPENAI_API_KEY")
                .then().statusCode(200).body("key", equalTo("OPENAI_API_KEY")).extract().path("id");
        String sameId = as(key).body(Map.of("value", SECRET + "-rotated"))
                .put("/manage/v1/environment-variables/OPENAI_API_KEY")
                .then().statusCode(200).extract().path("id");
        as(key).body(Map.of("value", "eu-key", "environment", "eu-*"))
                .put("/manage/v1/environment-variables/OPENAI_API_KEY").then().statusCode(200)
                .body("environment", equalTo("eu-*"));

        assertEquals(id, sameId, "same key and environment: the value is replaced");
        String listing = as(key).get("/manage/v1/environment-variables").then().statusCode(200)
                .body("$", hasSize(2)).extract().asString();
        assertFalse(listing.contains(SECRET), "values are never returned");
        String stored = value("SELECT value FROM gateway.environment_variables WHERE id = $1", UUID.fromString(id));
        assertTrue(stored.startsWith("v1:") && !stored.contains("sk-live"), stored);

        as(key).delete("/manage/v1/environment-variables/{id}", id).then().statusCode(204);
        as(key).get("/manage/v1/environment-variables").then().body("$", hasSize(1));
        as(Api.newTenant()).delete("/manage/v1/environment-variables/{id}", id).then().statusCode(404);
    }

    @Test
    void variableKeysMustBeUpperCase() {
        as(key).body(Map.of("value", "x")).put("/manage/v1/environment-variables/openai_key")
                .then().statusCode(422).body("error", equalTo("variable key openai_key must be UPPER_CASE: ^[A-Z][A-Z0-9_]*$"));
    }

    @Test
    void perRunEnvVarsAreCheckedStoredEncryptedAndKeptOutOfKafka() {
        String slug = Api.createPrompt(key, "Vars", Api.promptDraft("Hi"));
        Api.publish(key, "prompts", slug);

        reject(slug, Map.of("lower", "x"), "envVars key lower must be UPPER_CASE: ^[A-Z][A-Z0-9_]*$");
        Map<String, Object> many = new HashMap<>();
        for (int i = 0; i < 51; i++) {
            many.put("K" + i, "v");
        }
        reject(slug, many, "envVars has 51 entries; at most 50");
        reject(slug, Map.of("BIG", "x".repeat(65_536)), "envVars hold 65539 bytes; at most 65536");
        reject(slug, Map.of("NUM", 7), "envVars.NUM must be a string");

        try (var probe = new TopicProbe(bootstrapServers, "runs.normal")) {
            String runId = as(key).body(Map.of("inputs", Map.of(), "envVars", Map.of("API_TOKEN", SECRET)))
                    .post("/api/v1/prompts/{slug}/1/runs", slug).then().statusCode(200).extract().path("id");

            String stored = value("SELECT value FROM gateway.run_env_vars WHERE run_id = $1", UUID.fromString(runId));
            assertTrue(stored.startsWith("v1:") && !stored.contains(SECRET), stored);
            var record = probe.await(r -> r.value().contains(runId), Duration.ofSeconds(10)).orElseThrow();
            assertFalse(record.value().contains(SECRET), "no secret travels through Kafka");
        }
    }

    @Test
    void aRunsEnvVarsAreErasedOnceItHasEndedAndKeptWhileItMayStillRun() {
        String slug = Api.createPrompt(key, "Erased vars", Api.promptDraft("Hi"));
        Api.publish(key, "prompts", slug);
        UUID ended = acceptWithEnvVars(slug);
        UUID claimed = acceptWithEnvVars(slug);
        UUID waiting = acceptWithEnvVars(slug);
        // What run-executor stores: one run ended, one claimed and still running, one not claimed yet.
        sql("INSERT INTO executor.run_states (run_id, status, attempts, finished_at) VALUES ($1, 'failed', 1, now())",
                ended);
        sql("INSERT INTO executor.run_states (run_id, lease_owner, lease_expires_at, attempts)"
                + " VALUES ($1, 'a-worker', now() + interval '1 minute', 1)", claimed);

        runs.eraseEndedRunsVariables().await().atMost(Duration.ofSeconds(5));

        assertEquals(0, count("SELECT count(*) FROM gateway.run_env_vars WHERE run_id = $1", ended));
        assertEquals(1, count("SELECT count(*) FROM gateway.run_env_vars WHERE run_id = $1", claimed));
        assertEquals(1, count("SELECT count(*) FROM gateway.run_env_vars WHERE run_id = $1", waiting));

        // The gateway's own periodic erasure takes them once the run ends, with nobody calling it.
        sql("UPDATE executor.run_states SET status = 'completed', finished_at = now() WHERE run_id = $1", claimed);
        await().atMost(Duration.ofSeconds(30)).until(
                () -> count("SELECT count(*) FROM gateway.run_env_vars WHERE run_id = $1", claimed) == 0);
        assertEquals(1, count("SELECT count(*) FROM gateway.run_env_vars WHERE run_id = $1", waiting));
    }

    private UUID acceptWithEnvVars(String slug) {
        return UUID.fromString(as(key).body(Map.of("inputs", Map.of(), "envVars", Map.of("API_TOKEN", SECRET)))
                .post("/api/v1/prompts/{slug}/1/runs", slug).then().statusCode(200).extract().path("id"));
    }

    private void sql(String sql, UUID id) {
        pool.preparedQuery(sql).execute(Tuple.of(id)).await().atMost(Duration.ofSeconds(5));
    }

    private long count(String sql, UUID id) {
        return pool.preparedQuery(sql).execute(Tuple.of(id)).await().atMost(Duration.ofSeconds(5)).iterator().next()
                .getLong(0);
    }

    private void reject(String slug, Map<String, ?> envVars, String error) {
        as(key).body(Map.of("inputs", Map.of(), "envVars", envVars)).post("/api/v1/prompts/{slug}/1/runs", slug)
                .then().statusCode(422).body("error", equalTo(error));
    }

    private String value(String sql, UUID id) {
        List<Row> rows = new java.util.ArrayList<>();
        pool.preparedQuery(sql).execute(Tuple.of(id)).await().atMost(Duration.ofSeconds(5)).forEach(rows::add);
        return rows.get(0).getString(0);
    }
}
