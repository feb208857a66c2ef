package dev.promptjuggler.gateway.api;

import static dev.promptjuggler.gateway.api.Api.as;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
class ApiKeyManagementTest {

    @Inject
    Pool pool;

    @Test
    void anApiScopedKeyRunsPromptsButCannotManage() {
        String admin = Api.newTenant();
        String slug = Api.createPrompt(admin, "Scoped", Api.promptDraft("Hi"));
        Api.publish(admin, "prompts", slug);

        JsonPath created = as(admin).body(Map.of("name", "backend", "scope", "api")).post("/manage/v1/api-keys")
                .then().statusCode(201).body("key.scope", equalTo("api"))
                .body("secret", matchesPattern("pj_[A-Za-z0-9_-]{43}")).extract().jsonPath();
        String apiKey = created.getString("secret");

        as(apiKey).body(Map.of("inputs", Map.of())).post("/api/v1/prompts/{slug}/1/runs", slug).then().statusCode(200);
        as(apiKey).get("/manage/v1/prompts").then().statusCode(403)
                .body("error", equalTo("this key's scope (api) does not allow the management API"));
    }

    @Test
    void keysAreListedWithoutSecretsStoredHashedAndRevocable() {
        String admin = Api.newTenant();
        JsonPath created = as(admin).body(Map.of("name", "ci")).post("/manage/v1/api-keys")
                .then().statusCode(201).extract().jsonPath();
        String id = created.getString("key.id");
        String secret = created.getString("secret");

        String listing = as(admin).get("/manage/v1/api-keys").then().statusCode(200)
                .body("name", hasItem("ci")).body("find { it.name == 'ci' }.prefix", equalTo(secret.substring(0, 10)))
                .extract().asString();
        org.junit.jupiter.api.Assertions.assertFalse(listing.contains(secret), "a listing must never show a secret");
        long stored = pool.preparedQuery("SELECT count(*) FROM gateway.api_keys WHERE key_hash = $1 OR prefix = $1")
                .execute(Tuple.of(secret)).await().atMost(Duration.ofSeconds(5)).iterator().next().getLong(0);
        org.junit.jupiter.api.Assertions.assertEquals(0, stored, "the secret itself is not stored");

        // A key made without a scope gets the narrow one: the public API.
        as(secret).get("/api/v1/promptruns/{id}", UUID.randomUUID()).then().statusCode(404);
        as(admin).delete("/manage/v1/api-keys/{id}", id).then().statusCode(204);
        as(secret).get("/api/v1/promptruns/{id}", UUID.randomUUID()).then().statusCode(401)
                .body("error", equalTo("invalid or revoked API key"));
        as(admin).get("/manage/v1/api-keys").then().body("find { it.id == '" + id + "' }.revokedAt", notNullValue());
        as(admin).delete("/manage/v1/api-keys/{id}", id).then().statusCode(404);
    }

    @Test
    void anotherTenantsKeyCannotBeRevoked() {
        String mine = Api.newTenant();
        String theirs = Api.newTenant();
        String theirKeyId = as(theirs).body(Map.of("name", "theirs")).post("/manage/v1/api-keys")
                .then().statusCode(201).extract().path("key.id");

        as(mine).delete("/manage/v1/api-keys/{id}", theirKeyId).then().statusCode(404);
        as(mine).get("/manage/v1/api-keys").then().body("id", not(hasItem(theirKeyId)));
        given().auth().oauth2(theirs).get("/manage/v1/api-keys").then().body("id", hasItem(theirKeyId));
        as(mine).delete("/manage/v1/api-keys/{id}", UUID.randomUUID()).then().statusCode(404);
    }
}
