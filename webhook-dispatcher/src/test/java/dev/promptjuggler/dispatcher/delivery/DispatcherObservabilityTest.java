package dev.promptjuggler.dispatcher.delivery;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.promptjuggler.dispatcher.support.Platform;
import dev.promptjuggler.dispatcher.support.Platform.Endpoint;
import dev.promptjuggler.dispatcher.support.Receiver;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * What an operator sees of the dispatcher: a delivery moves the attempt meters by exactly one first attempt, the
 * queue and endpoint gauges are reported, readiness covers the database and the broker; and liveness goes DOWN
 * once the retry poll and the lease sweeper stop turning (here stopped as at shutdown, on an application of this
 * test's own, which is why that test comes last).
 */
@QuarkusTest
@TestProfile(DispatcherObservabilityTest.OwnApplication.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DispatcherObservabilityTest {

    private static final Duration PATIENCE = Duration.ofSeconds(45);
    private static final Map<String, String> FIRST_DELIVERED = Map.of("outcome", "delivered", "first", "true");

    private static Receiver receiver;

    @Inject
    DeliveryWorker worker;

    @BeforeAll
    static void start() {
        receiver = Receiver.start();
    }

    @AfterAll
    static void stop() {
        receiver.close();
    }

    @Test
    @Order(1)
    void aDeliveryMovesTheAttemptMetersByExactlyOneFirstAttempt() {
        UUID tenant = Platform.tenant();
        Endpoint endpoint = Platform.endpoint(tenant, receiver.url("/observed"));
        double before = value(scrape(), "webhook_attempts_seconds_count", FIRST_DELIVERED);
        try (Platform platform = new Platform()) {
            platform.runFinished(tenant, UUID.randomUUID(), "production");
        }
        await().atMost(PATIENCE).until(() -> Platform.column("SELECT status FROM dispatch.deliveries WHERE endpoint_id = ?",
                endpoint.id()).equals(List.of("delivered")));

        String after = scrape();
        assertEquals(before + 1, value(after, "webhook_attempts_seconds_count", FIRST_DELIVERED));
        for (String status : List.of("pending", "sending", "missed")) {
            assertEquals(true, after.contains("webhook_deliveries_queued{status=\"" + status + "\"}"), status);
        }
        for (String state : List.of("open", "disabled")) {
            assertEquals(true, after.contains("webhook_endpoints{state=\"" + state + "\"}"), state);
        }
        assertEquals(true, after.contains("webhook_deliveries_failed_total{reason=\"abandoned\"}"));
        RestAssured.get("/q/health/ready").then().statusCode(200)
                .body("checks.name", hasItem("Kafka connection health check"))
                .body("checks.name", hasItem("Reactive PostgreSQL connections health check"));
    }

    @Test
    @Order(2)
    void livenessGoesDownWhenThePollAndSweepLoopsStop() throws InterruptedException {
        RestAssured.get("/q/health/live").then().statusCode(200)
                .body("checks.find { it.name == 'worker-loops' }.status", is("UP"));

        worker.stop(null);

        await().atMost(Duration.ofSeconds(60)).until(() -> RestAssured.get("/q/health/live").statusCode() == 503);
        RestAssured.get("/q/health/live").then().statusCode(503)
                .body("checks.find { it.name == 'worker-loops' }.status", is("DOWN"));
    }

    private static String scrape() {
        return RestAssured.get("/q/metrics").then().statusCode(200).extract().asString();
    }

    /** The sum of the samples of {@code name} carrying {@code tags}; 0 when there is none yet. */
    private static double value(String text, String name, Map<String, String> tags) {
        double sum = 0;
        Matcher sample = Pattern.compile("^" + Pattern.quote(name) + "\\{([^}]*)} (\\S+)$", Pattern.MULTILINE).matcher(text);
        while (sample.find()) {
            String labels = sample.group(1);
            if (tags.entrySet().stream().allMatch(tag -> labels.contains(tag.getKey() + "=\"" + tag.getValue() + "\""))) {
                sum += Double.parseDouble(sample.group(2));
            }
        }
        return sum;
    }

    /** An application of this test's own: the stopped loops must not be the other tests' ones. */
    public static class OwnApplication implements QuarkusTestProfile {
    }
}
