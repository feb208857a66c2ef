package dev.promptjuggler.simulator.calls;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.anEmptyMap;
import static org.hamcrest.Matchers.equalTo;

import dev.promptjuggler.simulator.shared.CallCounter;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

/** {@code GET/DELETE /__simulator/calls} count answered chat completions and reset the count. */
@QuarkusTest
class CallsEndpointTest {

    private static void chat(String model, String authorization, int expectedStatus) {
        var request = given().contentType(ContentType.JSON)
                .body("{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"count me\"}]}");
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        request.when().post("/v1/chat/completions").then().statusCode(expectedStatus);
    }

    @Test
    void countsAnsweredCallsPerModelAndResets() {
        given().when().delete("/__simulator/calls").then().statusCode(204);
        given().when().get("/__simulator/calls").then()
                .statusCode(200)
                .contentType(ContentType.JSON)
                .body("total", equalTo(0))
                .body("byModel", anEmptyMap());

        chat("gpt-4o-mini", "Bearer sk-test", 200);
        chat("gpt-4o-mini", "Bearer sk-test", 200);
        chat("gpt-4o", "Bearer sk-other", 200);
        chat("gpt-4o", null, 401); // rejected calls are not answered, so not counted

        given().when().get("/__simulator/calls").then()
                .statusCode(200)
                .body("total", equalTo(3))
                .body("byModel.'gpt-4o-mini'", equalTo(2))
                .body("byModel.'gpt-4o'", equalTo(1))
                .body("byProvider.openai", equalTo(3))
                // sha256("sk-test") and sha256("sk-other"), first 12 hex digits: keys are never kept
                .body("byKey.'" + CallCounter.fingerprint("sk-test") + "'", equalTo(2))
                .body("byKey.'" + CallCounter.fingerprint("sk-other") + "'", equalTo(1))
                .body("byKey.size()", equalTo(2));

        given().when().delete("/__simulator/calls").then().statusCode(204);
        given().when().get("/__simulator/calls").then()
                .statusCode(200)
                .body("total", equalTo(0))
                .body("byModel", anEmptyMap());
    }
}
