package dev.promptjuggler.gateway.api;

import static dev.promptjuggler.gateway.api.Api.as;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.hasKey;

import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@QuarkusTest
class WebhookEndpointManagementTest {

    @Test
    void endpointsAreCreatedListedUpdatedAndDeletedWithoutEverShowingTheSecretAgain() {
        String key = Api.newTenant();
        String id = as(key).body(Map.of("url", "https://hooks.example.com/a", "events", List.of("promptrun.finished")))
                .post("/manage/v1/webhooks")
                .then().statusCode(201).body("secret", matchesPattern("whsec_[A-Za-z0-9_-]{32}"))
                .extract().path("id");

        as(key).get("/manage/v1/webhooks").then().statusCode(200)
                .body("$", hasSize(1)).body("[0].url", equalTo("https://hooks.example.com/a"))
                .body("[0].events", contains("promptrun.finished")).body("[0]", not(hasKey("secret")));

        as(key).body(Map.of("url", "https://hooks.example.com/b", "environment", "prod*", "enabled", false))
                .put("/manage/v1/webhooks/{id}", id)
                .then().statusCode(200).body("url", equalTo("https://hooks.example.com/b"))
                .body("events", empty()).body("environment", equalTo("prod*")).body("enabled", equalTo(false));

        as(key).body(Map.of("url", "ftp://nope")).put("/manage/v1/webhooks/{id}", id)
                .then().statusCode(422).body("error", equalTo("url must be an http(s) URL"));
        as(key).body(Map.of("url", "https://x.example", "events", List.of("run.done"))).put("/manage/v1/webhooks/{id}", id)
                .then().statusCode(422);

        as(key).delete("/manage/v1/webhooks/{id}", id).then().statusCode(204);
        as(key).get("/manage/v1/webhooks").then().body("$", empty());
        as(key).delete("/manage/v1/webhooks/{id}", id).then().statusCode(404);
        as(key).body(Map.of("url", "https://x.example")).put("/manage/v1/webhooks/{id}", UUID.randomUUID())
                .then().statusCode(404);
    }
}
