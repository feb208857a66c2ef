package dev.promptjuggler.gateway.api;

import static dev.promptjuggler.gateway.api.StrictInputTest.assertErrorStartsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.promptjuggler.gateway.api.RawHttp.Answer;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What RESTEasy and the HTTP layer answer on their own arrives in the error shape too, naming the problem. */
@QuarkusTest
class FrameworkErrorsTest {

    @Inject
    Pool pool;

    private Map<String, String> auth;

    @BeforeEach
    void tenant() {
        auth = Map.of("Authorization", "Bearer " + Api.newTenant());
    }

    @Test
    void anUnknownRouteIs404() {
        for (String path : new String[] {"/nope", "/api/v1/nope", "/manage/v1/prompts/pr_x/nope", "/api/v2/prompts"}) {
            Answer answer = RawHttp.send("GET", path, auth, null, null, false);

            assertEquals(404, answer.status(), path);
            assertErrorStartsWith("not found: no endpoint GET " + path, answer);
        }
    }

    @Test
    void aMethodTheRouteDoesNotServeIs405() {
        Answer delete = RawHttp.send("DELETE", "/manage/v1/prompts", auth, null, null, false);
        assertEquals(405, delete.status());
        assertErrorStartsWith("method DELETE is not allowed on /manage/v1/prompts", delete);

        Answer patch = RawHttp.send("PATCH", "/manage/v1/api-keys", auth, "application/json", "{}", false);
        assertEquals(405, patch.status());
        assertErrorStartsWith("method PATCH is not allowed on /manage/v1/api-keys", patch);
    }

    @Test
    void aResponseTypeTheGatewayCannotProduceIs406() {
        Answer answer = RawHttp.send("GET", "/manage/v1/prompts", Map.of("Authorization", auth.get("Authorization"),
                "Accept", "text/html"), null, null, false);

        assertEquals(406, answer.status());
        assertErrorStartsWith("cannot answer in text/html: responses are application/json", answer);
    }

    @Test
    void malformedJsonIs400NamingWhereItBroke() {
        Answer answer = RawHttp.send("POST", "/manage/v1/api-keys", auth, "application/json", "{\"name\": \"k\",}", false);

        assertEquals(400, answer.status());
        assertErrorStartsWith("malformed JSON: Unexpected character ('}'", answer);
    }

    @Test
    void aJsonBodyOverTheLimitIs413AlsoWithoutContentLength() {
        Map<String, Long> before = GatewayRows.count(pool);
        String big = "{\"name\":\"" + "x".repeat(1_048_577) + "\"}";

        Answer answer = RawHttp.send("POST", "/manage/v1/api-keys", auth, "application/json", big, true);

        assertEquals(413, answer.status());
        assertErrorStartsWith("request body exceeds the limit of 1048576 bytes for JSON requests", answer);
        assertEquals(before, GatewayRows.count(pool));
    }

    /**
     * Announced over {@code quarkus.http.limits.max-body-size} (64 MiB): refused before a byte of it is read,
     * which the HTTP layer used to do with an empty 413.
     */
    @Test
    void aBodyAnnouncedOverTheHttpLimitIs413InTheErrorShape() throws IOException {
        try (Socket socket = new Socket("localhost", RestAssured.port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/v1/knowledge-bases/kb_x/documents HTTP/1.1\r\nHost: localhost\r\n"
                    + "Authorization: " + auth.get("Authorization") + "\r\n"
                    + "Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 100000000\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);

            assertTrue(response.startsWith("HTTP/1.1 413 "), response);
            assertTrue(response.toLowerCase().contains("content-type: application/json"), response);
            String body = response.substring(response.indexOf("\r\n\r\n") + 4);
            assertEquals("request body of 100000000 bytes exceeds the limit of 67108864 bytes",
                    new JsonObject(body).getString("error"));
        }
    }
}
