package dev.promptjuggler.executor.observability;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;

import dev.promptjuggler.executor.scheduling.RunTopicsConsumer;
import dev.promptjuggler.executor.support.OwnConsumerGroup;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Liveness tells the truth about the scheduler's feed: UP while the run topics' consumer thread polls, DOWN once
 * that thread has died (here: interrupted, which ends its loop as any fatal error would), so that the platform
 * restarts a process that would otherwise start nothing. Readiness reports the database and the broker.
 */
@QuarkusTest
@TestProfile(WorkerLivenessTest.OwnApplication.class)
class WorkerLivenessTest {

    @Inject
    RunTopicsConsumer consumer;

    @Test
    void livenessGoesDownWhenTheRunConsumerThreadDies() {
        await().atMost(Duration.ofSeconds(60)).until(consumer::assigned);
        RestAssured.get("/q/health/ready").then().statusCode(200)
                .body("checks.name", hasItem("Kafka connection health check"))
                .body("checks.name", hasItem("Reactive PostgreSQL connections health check"));
        RestAssured.get("/q/health/live").then().statusCode(200)
                .body("checks.find { it.name == 'worker-loops' }.status", is("UP"));

        Thread.getAllStackTraces().keySet().stream().filter(thread -> thread.getName().equals("run-consumer"))
                .forEach(Thread::interrupt);

        await().atMost(Duration.ofSeconds(30)).until(() -> RestAssured.get("/q/health/live").statusCode() == 503);
        RestAssured.get("/q/health/live").then().statusCode(503)
                .body("checks.find { it.name == 'worker-loops' }.status", is("DOWN"));
    }

    /** An application of its own: the dead consumer must not be the other tests' one. */
    public static class OwnApplication implements QuarkusTestProfile {

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(OwnConsumerGroup.class));
        }
    }
}
