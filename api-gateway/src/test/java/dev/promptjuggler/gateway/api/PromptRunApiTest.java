package dev.promptjuggler.gateway.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Accepting prompt runs against the real PostgreSQL and Kafka of the test stack. */
@QuarkusTest
class PromptRunApiTest {

    private static final String UUID_PATTERN = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

    @Inject
    Pool pool;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    private String key;
    private String slug;

    @BeforeEach
    void tenantWithPublishedPrompt() {
        key = bootstrap("run tests");
        slug = given().auth().oauth2(key).contentType(ContentType.JSON)
                .body(Map.of("name", "Support Reply " + UUID.randomUUID(), "draft", Map.of(
                        "provider", "openai", "model", "gpt-5.5",
                        "systemInstruction", "You work for {{company}}.",
                        "messages", java.util.List.of(Map.of("role", "user", "content", "Answer {{question}}")))))
                .post("/manage/v1/prompts")
                .then().statusCode(201)
                .body("slug", matchesPattern("pr_support_reply_[0-9a-f_]+"))
                .extract().path("slug");
        given().auth().oauth2(key).contentType(ContentType.JSON).body(Map.of("changeNote", "v1"))
                .post("/manage/v1/prompts/{slug}/versions", slug)
                .then().statusCode(201).body("version", equalTo(1));
    }

    @Test
    void acceptedRunIsStoredAndPublishedToItsPriorityTopicKeyedByThread() {
        try (var probe = new TopicProbe(bootstrapServers, "runs.onsite")) {
            var accepted = given().auth().oauth2(key).contentType(ContentType.JSON)
                    .body(Map.of("inputs", Map.of("company", "Acme", "question", "why?"), "priority", "onsite",
                            "metadata", Map.of("ticket", "T-1", "tags", java.util.List.of("a", "b"))))
                    .post("/api/v1/prompts/{slug}/1/runs", slug)
                    .then().statusCode(200)
                    .body("id", matchesPattern(UUID_PATTERN))
                    .body("thread", matchesPattern(UUID_PATTERN))
                    .extract().jsonPath();
            String id = accepted.getString("id");
            String thread = accepted.getString("thread");

            Row row = run(UUID.fromString(id));
            assertEquals("pending", row.getString("status"));
            assertEquals("onsite", row.getString("priority"));
            assertEquals(1, row.getInteger("revision_version"));
            assertEquals(thread, row.getUUID("thread_id").toString());

            ConsumerRecord<String, String> record = probe.await(r -> r.value().contains(id), Duration.ofSeconds(10))
                    .orElseThrow(() -> new AssertionError("no record for run " + id + " on runs.onsite"));
            assertEquals(thread, record.key());
            assertEquals("run.requested", header(record, "ce_type"));
            assertEquals(id, header(record, "ce_subject"));
            assertTrue(record.value().contains("\"priority\":\"onsite\""), record.value());
        }

        given().auth().oauth2(key).get("/api/v1/promptruns/{id}", UUID.randomUUID())
                .then().statusCode(404).body("error", matchesPattern("prompt run .* not found"));
    }

    @Test
    void readingARunReturnsTheSdkShapeWithTheResolvedRevision() {
        String id = given().auth().oauth2(key).contentType(ContentType.JSON)
                .body(Map.of("inputs", Map.of("company", "Acme", "question", "how?")))
                .post("/api/v1/prompts/{slug}/__latest__/runs", slug)
                .then().statusCode(200).extract().path("id");

        given().auth().oauth2(key).get("/api/v1/promptruns/{id}", id)
                .then().statusCode(200)
                .body("id", equalTo(id))
                .body("status", equalTo("pending"))
                .body("createdAt", matchesPattern("\\d{4}-\\d\\d-\\d\\dT.*"))
                .body("emitted.size()", equalTo(0))
                .body("transcript.size()", equalTo(0))
                .body("$", org.hamcrest.Matchers.not(org.hamcrest.Matchers.hasKey("revision")))
                .header("PromptJuggler-Revision-Version", "1");
    }

    @Test
    void aContinuedThreadMustBelongToTheCaller() {
        String thread = given().auth().oauth2(key).contentType(ContentType.JSON)
                .body(Map.of("inputs", Map.of("company", "Acme", "question", "q")))
                .post("/api/v1/prompts/{slug}/1/runs", slug)
                .then().statusCode(200).extract().path("thread");

        given().auth().oauth2(key).contentType(ContentType.JSON)
                .body(Map.of("inputs", Map.of("company", "Acme", "question", "q2"), "thread", thread))
                .post("/api/v1/prompts/{slug}/1/runs", slug)
                .then().statusCode(200).body("thread", equalTo(thread));

        String strangerSlug = slug;
        String stranger = bootstrap("stranger");
        given().auth().oauth2(stranger).contentType(ContentType.JSON)
                .body(Map.of("inputs", Map.of("company", "Acme", "question", "q"), "thread", thread))
                .post("/api/v1/prompts/{slug}/1/runs", strangerSlug)
                .then().statusCode(404);
    }

    @Test
    void invalidRequestsAreRejectedWithTheFieldNamedAndStoreNothing() {
        long before = runCount();

        reject(Map.of("priority", "normal"), 422, "inputs is required");
        reject(Map.of("inputs", Map.of("company", "Acme")), 422, "inputs is missing question (placeholders of version 1)");
        reject(Map.of("inputs", Map.of("company", "Acme", "question", 42)), 422, "inputs.question must be a string");
        reject(Map.of("inputs", Map.of("company", "A", "question", "q"), "priority", "urgent"), 422,
                "priority must be onsite, normal or low");
        reject(Map.of("inputs", Map.of("company", "A", "question", "q"), "thread", "not-a-uuid"), 422,
                "thread must be a UUID");
        reject(Map.of("inputs", Map.of("company", "A", "question", "q"), "metadata", Map.of("n", 1)), 422,
                "metadata.n must be a string or an array of strings");
        given().auth().oauth2(key).contentType(ContentType.JSON).body("{\"inputs\": {")
                .post("/api/v1/prompts/{slug}/1/runs", slug)
                .then().statusCode(400).body("error", matchesPattern("malformed JSON.*"));
        given().auth().oauth2(key).contentType(ContentType.JSON)
                .body(Map.of("inputs", Map.of("company", "A", "question", "q")))
                .post("/api/v1/prompts/{slug}/7/runs", slug)
                .then().statusCode(404).body("error", equalTo("prompt " + slug + " has no published version or tag 7"));

        assertEquals(before, runCount());
    }

    @Test
    void everyApiCallNeedsAValidKey() {
        given().get("/api/v1/promptruns/{id}", UUID.randomUUID())
                .then().statusCode(401).body("error", matchesPattern("missing API key.*"));
        given().auth().oauth2("pj_not_a_key").get("/api/v1/promptruns/{id}", UUID.randomUUID())
                .then().statusCode(401).body("error", equalTo("invalid or revoked API key"));
        given().contentType(ContentType.JSON).body(Map.of("tenantName", "intruder"))
                .post("/manage/v1/bootstrap")
                .then().statusCode(401).body("error", equalTo("missing or wrong X-Bootstrap-Token"));
    }

    private void reject(Map<String, ?> body, int status, String error) {
        given().auth().oauth2(key).contentType(ContentType.JSON).body(body)
                .post("/api/v1/prompts/{slug}/1/runs", slug)
                .then().statusCode(status).body("error", equalTo(error));
    }

    private static String bootstrap(String tenantName) {
        return given().header("X-Bootstrap-Token", "test-bootstrap-token").contentType(ContentType.JSON)
                .body(Map.of("tenantName", tenantName))
                .post("/manage/v1/bootstrap")
                .then().statusCode(201)
                .body("apiKey.key", matchesPattern("pj_[A-Za-z0-9_-]{43}"))
                .extract().path("apiKey.key");
    }

    private Row run(UUID id) {
        return pool.preparedQuery("SELECT * FROM gateway.runs_with_state WHERE id = $1").execute(Tuple.of(id))
                .await().atMost(Duration.ofSeconds(5)).iterator().next();
    }

    private long runCount() {
        return pool.query("SELECT count(*) FROM gateway.runs").execute()
                .await().atMost(Duration.ofSeconds(5)).iterator().next().getLong(0);
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
