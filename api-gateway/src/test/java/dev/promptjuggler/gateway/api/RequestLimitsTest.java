package dev.promptjuggler.gateway.api;

import static dev.promptjuggler.gateway.api.Api.as;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

@QuarkusTest
class RequestLimitsTest {

    @Test
    void jsonBodiesOverTheDocumentedLimitGet413() {
        String key = Api.newTenant();
        String slug = Api.createPrompt(key, "Big", Api.promptDraft("Echo {{text}}"));
        Api.publish(key, "prompts", slug);
        String big = "x".repeat(1_048_577);

        as(key).body("{\"inputs\":{\"text\":\"" + big + "\"}}").post("/api/v1/prompts/{slug}/1/runs", slug)
                .then().statusCode(413)
                .body("error", equalTo("request body of 1048599 bytes exceeds the limit of 1048576 bytes for JSON requests"));
    }
}
