package dev.promptjuggler.gateway.api;

import static dev.promptjuggler.gateway.api.Api.as;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
class IdempotencyTest {

    @Inject
    Pool pool;

    private String key;
    private String slug;

    @BeforeEach
    void publishedPrompt() {
        key = Api.newTenant();
        slug = Api.createPrompt(key, "Idempotent", Api.promptDraft("Hello {{name}}"));
        Api.publish(key, "prompts", slug);
    }

    @Test
    void aRetryWithTheSameKeyAndBodyReturnsTheOriginalRunAndCreatesNothing() {
        String idempotencyKey = UUID.randomUUID().toString();
        JsonPath first = create(idempotencyKey, "{\"inputs\":{\"name\":\"Ada\"},\"priority\":\"low\"}", 200);
        // Same request, fields in another order.
        JsonPath retry = create(idempotencyKey, "{\"priority\":\"low\",\"inputs\":{\"name\":\"Ada\"}}", 200);

        assertEquals(first.getString("id"), retry.getString("id"));
        assertEquals(first.getString("thread"), retry.getString("thread"));
        assertEquals(1, runsOfTenant());

        JsonPath other = create(UUID.randomUUID().toString(), "{\"inputs\":{\"name\":\"Ada\"},\"priority\":\"low\"}", 200);
        assertNotEquals(first.getString("id"), other.getString("id"));
        assertEquals(2, runsOfTenant());
    }

    @Test
    void theSameKeyWithADifferentBodyIsRejected() {
        String idempotencyKey = UUID.randomUUID().toString();
        create(idempotencyKey, "{\"inputs\":{\"name\":\"Ada\"}}", 200);

        as(key).header("Idempotency-Key", idempotencyKey).body("{\"inputs\":{\"name\":\"Grace\"}}")
                .post("/api/v1/prompts/{slug}/1/runs", slug)
                .then().statusCode(422)
                .body("error", equalTo("Idempotency-Key " + idempotencyKey + " was used for a different request"));
        assertEquals(1, runsOfTenant());
    }

    @Test
    void concurrentRequestsWithOneKeyCreateOneRun() {
        String idempotencyKey = UUID.randomUUID().toString();
        List<CompletableFuture<String>> requests = java.util.stream.IntStream.range(0, 8)
                .mapToObj(i -> CompletableFuture.supplyAsync(
                        () -> create(idempotencyKey, "{\"inputs\":{\"name\":\"Ada\"}}", 200).getString("id")))
                .toList();

        List<String> ids = requests.stream().map(CompletableFuture::join).distinct().toList();

        assertEquals(1, ids.size(), "every concurrent retry gets the same run: " + ids);
        assertEquals(1, runsOfTenant());
    }

    private JsonPath create(String idempotencyKey, String body, int status) {
        return as(key).header("Idempotency-Key", idempotencyKey).body(body)
                .post("/api/v1/prompts/{slug}/1/runs", slug)
                .then().statusCode(status).extract().jsonPath();
    }

    private long runsOfTenant() {
        String anyRun = "SELECT count(*) FROM gateway.runs r JOIN gateway.definitions d ON d.id ="
                + " (SELECT definition_id FROM gateway.revisions WHERE id = r.revision_id) WHERE d.slug = $1";
        return pool.preparedQuery(anyRun).execute(Tuple.of(slug)).await().atMost(Duration.ofSeconds(5))
                .iterator().next().getLong(0);
    }
}
