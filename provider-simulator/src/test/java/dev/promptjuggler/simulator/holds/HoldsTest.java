package dev.promptjuggler.simulator.holds;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A held request waits until its client gives up, and the simulator counts that the client closed the connection. */
@QuarkusTest
class HoldsTest {

    @TestHTTPResource("/")
    URL base;

    @AfterEach
    void clear() {
        given().when().delete("/__simulator/holds").then().statusCode(204);
    }

    @Test
    void aHeldRequestWhoseClientLeavesIsCountedAsClosedByTheClient() throws Exception {
        given().contentType(ContentType.JSON).body("{\"contains\":\"wait for me\"}")
                .when().post("/__simulator/holds").then().statusCode(204);
        String body = "{\"model\":\"gpt-5\",\"messages\":[{\"role\":\"user\",\"content\":\"please wait for me\"}]}";

        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: " + base.getHost() + "\r\nAuthorization: Bearer k\r\n"
                    + "Content-Type: application/json\r\nContent-Length: " + body.getBytes(StandardCharsets.UTF_8).length
                    + "\r\n\r\n" + body).getBytes(StandardCharsets.UTF_8));
            out.flush();
            awaitValue(() -> given().get("/__simulator/holds").then().extract().path("held"), 1);
        }
        awaitValue(() -> given().get("/__simulator/holds").then().extract().path("closedByClient"), 1);
        given().get("/__simulator/holds").then().body("held", equalTo(0));

        // Other texts are answered as usual.
        given().header("Authorization", "Bearer k").contentType(ContentType.JSON)
                .body("{\"model\":\"gpt-5\",\"messages\":[{\"role\":\"user\",\"content\":\"no waiting\"}]}")
                .when().post("/v1/chat/completions").then().statusCode(200)
                .body("choices[0].message.content", startsWith("[simulated gpt-5]"));
    }

    @Test
    void aHeldRequestIsAnsweredAfterItsTime() {
        given().contentType(ContentType.JSON).body("{\"contains\":\"briefly\",\"ms\":200}")
                .when().post("/__simulator/holds").then().statusCode(204);

        given().header("Authorization", "Bearer k").contentType(ContentType.JSON)
                .body("{\"model\":\"gpt-5\",\"messages\":[{\"role\":\"user\",\"content\":\"held briefly\"}]}")
                .when().post("/v1/chat/completions").then().statusCode(200);
        given().get("/__simulator/holds").then().body("held", equalTo(0)).body("closedByClient", equalTo(0));
    }

    private static void awaitValue(IntSupplier read, int expected) throws InterruptedException {
        Instant until = Instant.now().plus(Duration.ofSeconds(10));
        int value = read.getAsInt();
        while (value != expected && Instant.now().isBefore(until)) {
            Thread.sleep(20);
            value = read.getAsInt();
        }
        assertEquals(expected, value);
    }
}
