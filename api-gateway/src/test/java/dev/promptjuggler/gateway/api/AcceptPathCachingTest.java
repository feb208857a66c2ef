package dev.promptjuggler.gateway.api;

import static dev.promptjuggler.gateway.api.Api.as;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What the accept path reuses between requests, and what it must not: resolved version references
 * (service/RevisionReferenceCache) and authenticated API keys (service/ApiKeyService) are cached, never across tenants,
 * and never past a change. In the test profile a cached reference or key lives an hour
 * ({@code gateway.accept.revision-cache-ttl}, {@code gateway.accept.api-key-cache-ttl}), so a change made behind this
 * gateway's back — by SQL here, as another replica's would be — can only be seen through the database's change
 * notices.
 */
@QuarkusTest
class AcceptPathCachingTest {

    private static final Duration NOTICE_ARRIVES = Duration.ofSeconds(30);

    @Inject
    Pool pool;

    @Test
    void aRevokedKeyIsRefusedFromItsNextRequest() {
        CachedKey runner = cachedRunnerKey("Revoked");

        as(runner.admin()).delete("/manage/v1/api-keys/{id}", runner.id()).then().statusCode(204);

        runner.run().then().statusCode(401).body("error", equalTo("invalid or revoked API key"));
    }

    @Test
    void aKeyRevokedOnAnotherReplicaIsRefusedOnceTheNoticeArrives() {
        CachedKey runner = cachedRunnerKey("Revoked elsewhere");

        sql("UPDATE gateway.api_keys SET revoked_at = now() WHERE id = $1", Tuple.of(UUID.fromString(runner.id())));

        await().atMost(NOTICE_ARRIVES).until(() -> runner.run().statusCode() == 401);
        // The notice cleared every cached key; the tenant's other key is read afresh and still let in.
        as(runner.admin()).get("/manage/v1/api-keys").then().statusCode(200);
    }

    @Test
    void aTagMovedOnAnotherReplicaIsSeenByTheNextRuns() {
        String key = Api.newTenant();
        String slug = Api.createPrompt(key, "Moved", Api.promptDraft("One"));
        Api.publish(key, "prompts", slug);
        as(key).body(Api.promptDraft("Two")).put("/manage/v1/prompts/{slug}/draft", slug).then().statusCode(200);
        Api.publish(key, "prompts", slug);
        as(key).body(Map.of("version", 1)).put("/manage/v1/prompts/{slug}/tags/production", slug)
                .then().statusCode(200);
        assertEquals("1", runVersion(key, slug, "production"));
        assertEquals("1", runVersion(key, slug, "production"));

        sql("UPDATE gateway.tags t SET revision_id = r.id FROM gateway.revisions r, gateway.definitions d"
                + " WHERE d.slug = $1 AND r.definition_id = d.id AND r.version = 2 AND t.definition_id = d.id"
                + " AND t.name = 'production'", Tuple.of(slug));

        await().atMost(NOTICE_ARRIVES).until(() -> runVersion(key, slug, "production").equals("2"));
    }

    @Test
    void aVersionPublishedOrAnArchiveOnAnotherReplicaIsSeenByTheNextRuns() {
        String key = Api.newTenant();
        String slug = Api.createPrompt(key, "Latest", Api.promptDraft("One"));
        Api.publish(key, "prompts", slug);
        assertEquals("1", runVersion(key, slug, "__latest__"));
        assertEquals("1", runVersion(key, slug, "__latest__"));

        sql("INSERT INTO gateway.revisions (id, tenant_id, definition_id, version, config)"
                + " SELECT gen_random_uuid(), r.tenant_id, r.definition_id, 2, r.config FROM gateway.revisions r"
                + " JOIN gateway.definitions d ON d.id = r.definition_id WHERE d.slug = $1 AND r.version = 1",
                Tuple.of(slug));
        await().atMost(NOTICE_ARRIVES).until(() -> runVersion(key, slug, "__latest__").equals("2"));

        sql("UPDATE gateway.definitions SET archived_at = now() WHERE slug = $1", Tuple.of(slug));
        await().atMost(NOTICE_ARRIVES).until(() -> as(key).body(Map.of("inputs", Map.of()))
                .post("/api/v1/prompts/{slug}/1/runs", slug).statusCode() == 404);
    }

    @Test
    void aTagMovedHereIsSeenByTheVeryNextRun() {
        String key = Api.newTenant();
        String slug = Api.createPrompt(key, "Here", Api.promptDraft("One"));
        Api.publish(key, "prompts", slug);
        Api.publish(key, "prompts", slug);
        for (int version = 1; version <= 2; version++) {
            for (int round = 0; round < 3; round++) {
                as(key).body(Map.of("version", version)).put("/manage/v1/prompts/{slug}/tags/live", slug)
                        .then().statusCode(200);
                assertEquals(String.valueOf(version), runVersion(key, slug, "live"));
            }
        }
        Api.publish(key, "prompts", slug);
        assertEquals("3", runVersion(key, slug, "__latest__"));
    }

    @Test
    void eachTenantResolvesOnlyItsOwnDefinitions() {
        String mine = Api.newTenant();
        String theirs = Api.newTenant();
        String name = "Same name " + UUID.randomUUID();
        String mySlug = create(mine, name, "Mine");
        String theirSlug = create(theirs, name, "Theirs");
        assertEquals(mySlug, theirSlug, "both tenants named their prompt alike");
        Api.publish(mine, "prompts", mySlug);
        Api.publish(theirs, "prompts", theirSlug);
        String onlyMine = Api.createPrompt(mine, "Only mine", Api.promptDraft("Mine alone"));
        Api.publish(mine, "prompts", onlyMine);

        for (int round = 0; round < 3; round++) {
            for (String version : new String[] {"1", "__latest__"}) {
                String myRevision = revisionOfRun(mine, mySlug, version);
                String theirRevision = revisionOfRun(theirs, theirSlug, version);
                assertNotEquals(myRevision, theirRevision);
                as(mine).get("/api/v1/prompts/{slug}/{version}", mySlug, version).then().statusCode(200)
                        .body("id", equalTo(myRevision)).body("messages[0].content", equalTo("Mine"));
                as(theirs).get("/api/v1/prompts/{slug}/{version}", theirSlug, version).then().statusCode(200)
                        .body("id", equalTo(theirRevision)).body("messages[0].content", equalTo("Theirs"));
            }
            revisionOfRun(mine, onlyMine, "1");
            as(theirs).body(Map.of("inputs", Map.of())).post("/api/v1/prompts/{slug}/1/runs", onlyMine)
                    .then().statusCode(404);
        }
    }

    /**
     * A new tenant's published prompt and an api-scoped key of its, which ran the prompt twice: the key is in the
     * cache.
     */
    private static CachedKey cachedRunnerKey(String promptName) {
        String admin = Api.newTenant();
        String slug = Api.createPrompt(admin, promptName, Api.promptDraft("Hi"));
        Api.publish(admin, "prompts", slug);
        JsonPath created = as(admin).body(Map.of("name", "runner", "scope", "api")).post("/manage/v1/api-keys")
                .then().statusCode(201).extract().jsonPath();
        var runner = new CachedKey(admin, slug, created.getString("secret"), created.getString("key.id"));
        runVersion(runner.secret(), slug, "1");
        runVersion(runner.secret(), slug, "1");
        return runner;
    }

    /** @param admin the tenant's admin key; {@code secret} and {@code id}: the runner key's */
    private record CachedKey(String admin, String slug, String secret, String id) {

        /** Runs version 1 of the prompt with the runner key. */
        Response run() {
            return as(secret).body(Map.of("inputs", Map.of())).post("/api/v1/prompts/{slug}/1/runs", slug);
        }
    }

    private static String create(String key, String name, String content) {
        return as(key).body(Map.of("name", name, "draft", Api.promptDraft(content))).post("/manage/v1/prompts")
                .then().statusCode(201).extract().path("slug");
    }

    /** Runs the prompt by the reference; returns the version number the run got, as its reader sees it. */
    private static String runVersion(String key, String slug, String version) {
        return runRevisionHeader(key, slug, version, "PromptJuggler-Revision-Version");
    }

    private static String revisionOfRun(String key, String slug, String version) {
        return runRevisionHeader(key, slug, version, "PromptJuggler-Revision-Id");
    }

    private static String runRevisionHeader(String key, String slug, String version, String header) {
        String id = as(key).body(Map.of("inputs", Map.of())).post("/api/v1/prompts/{slug}/{version}/runs", slug, version)
                .then().statusCode(200).extract().path("id");
        return as(key).get("/api/v1/promptruns/{id}", id).then().statusCode(200).extract().header(header);
    }

    private void sql(String statement, Tuple arguments) {
        pool.preparedQuery(statement).execute(arguments).await().atMost(Duration.ofSeconds(10));
    }
}
