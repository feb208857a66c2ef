package dev.promptjuggler.gateway.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.matchesPattern;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Calls of the gateway's own API that many tests make, each asserting its success status. */
final class Api {

    static final String BOOTSTRAP_TOKEN = "test-bootstrap-token";

    private Api() {
    }

    /** A new tenant's first API key. */
    static String newTenant() {
        return given().header("X-Bootstrap-Token", BOOTSTRAP_TOKEN).contentType(ContentType.JSON)
                .body(Map.of("tenantName", "tenant " + UUID.randomUUID()))
                .post("/manage/v1/bootstrap")
                .then().statusCode(201)
                .body("apiKey.key", matchesPattern("pj_[A-Za-z0-9_-]{43}"))
                .extract().path("apiKey.key");
    }

    static RequestSpecification as(String key) {
        return given().auth().oauth2(key).contentType(ContentType.JSON);
    }

    static Map<String, Object> promptDraft(String userTemplate) {
        return Map.of("provider", "openai", "model", "gpt-5.5",
                "messages", List.of(Map.of("role", "user", "content", userTemplate)));
    }

    /** Creates a prompt with a unique name; returns its slug. */
    static String createPrompt(String key, String namePrefix, Map<String, Object> draft) {
        return as(key).body(Map.of("name", namePrefix + " " + UUID.randomUUID(), "draft", draft))
                .post("/manage/v1/prompts")
                .then().statusCode(201).extract().path("slug");
    }

    static int publish(String key, String kindPath, String slug) {
        return as(key).body(Map.of("changeNote", "published by a test"))
                .post("/manage/v1/" + kindPath + "/{slug}/versions", slug)
                .then().statusCode(201).extract().path("version");
    }
}
