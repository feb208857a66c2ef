package dev.promptjuggler.simulator.failures;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Scripted failures are consumed in order by matching requests of any format, in that format's error shape. */
@QuarkusTest
class FailuresTest {

    @AfterEach
    void clear() {
        given().when().delete("/__simulator/failures").then().statusCode(204);
    }

    private static void script(String json) {
        given().contentType(ContentType.JSON).body(json).when().post("/__simulator/failures").then().statusCode(204);
    }

    @Test
    void eachMatchingRequestConsumesTheNextScriptedResponse() {
        script("""
                {"contains":"unlucky","responses":[{"status":503,"retryAfter":"2"},{"status":429,"message":"slow down"}]}""");

        given().header("Authorization", "Bearer k").contentType(ContentType.JSON)
                .body("{\"model\":\"gpt-5\",\"messages\":[{\"role\":\"user\",\"content\":\"an unlucky day\"}]}")
                .when().post("/v1/chat/completions").then()
                .statusCode(503).header("Retry-After", "2").body("error.type", equalTo("server_error"));
        given().header("x-goog-api-key", "k").contentType(ContentType.JSON)
                .body("{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"unlucky\"}]}]}")
                .when().post("/v1beta/models/gemini-2.5-flash:generateContent").then()
                .statusCode(429).header("Retry-After", nullValue())
                .body("error.status", equalTo("RESOURCE_EXHAUSTED")).body("error.message", equalTo("slow down"));
        // The script is used up: the same request succeeds; other texts never matched.
        given().header("x-api-key", "k").header("anthropic-version", "2023-06-01").contentType(ContentType.JSON)
                .body("{\"model\":\"claude-haiku-4-5\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"unlucky\"}]}")
                .when().post("/v1/messages").then().statusCode(200);
        given().when().get("/__simulator/failures").then().statusCode(200)
                .body("served", equalTo(2)).body("pending", equalTo(0));
    }

    @Test
    void anthropicFailuresUseAnthropicsShape() {
        script("{\"contains\":\"busy\",\"responses\":[{\"status\":529}]}");

        given().header("x-api-key", "k").header("anthropic-version", "2023-06-01").contentType(ContentType.JSON)
                .body("{\"model\":\"claude-haiku-4-5\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"busy\"}]}")
                .when().post("/v1/messages").then()
                .statusCode(529).body("type", equalTo("error")).body("error.type", equalTo("overloaded_error"));
    }

    @Test
    void aScriptNeedsResponses() {
        given().contentType(ContentType.JSON).body("{\"contains\":\"x\",\"responses\":[]}")
                .when().post("/__simulator/failures").then().statusCode(400);
    }
}
