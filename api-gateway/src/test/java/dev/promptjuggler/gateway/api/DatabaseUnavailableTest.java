package dev.promptjuggler.gateway.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL out of reach (here: the request pool pointed at a port nobody listens on, the database itself
 * migrated by the tests' migrator) is a 503 with {@code Retry-After} in the error shape, whether the
 * API-key check or the endpoint meets it first.
 */
@QuarkusTest
@TestProfile(DatabaseUnavailableTest.Unreachable.class)
class DatabaseUnavailableTest {

    public static class Unreachable implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.datasource.reactive.url", "postgresql://127.0.0.1:" + closedPort() + "/promptjuggler");
        }

        private static int closedPort() {
            try (ServerSocket socket = new ServerSocket(0)) {
                return socket.getLocalPort();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Test
    void bootstrapAnswers503WithRetryAfter() {
        given().header("X-Bootstrap-Token", Api.BOOTSTRAP_TOKEN).contentType(ContentType.JSON)
                .body(Map.of("tenantName", "while the database is down"))
                .post("/manage/v1/bootstrap")
                .then().statusCode(503).contentType(ContentType.JSON).header("Retry-After", "5")
                .body("error", equalTo("the database is unavailable, try again shortly"));
    }

    @Test
    void anAuthenticatedCallAnswers503WithRetryAfter() {
        given().auth().oauth2("pj_any_key").get("/api/v1/promptruns/{id}", UUID.randomUUID())
                .then().statusCode(503).contentType(ContentType.JSON).header("Retry-After", "5")
                .body("error", equalTo("the database is unavailable, try again shortly"));
    }
}
