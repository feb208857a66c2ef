package dev.promptjuggler.gateway.api;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The outbox of accepted runs against the real PostgreSQL and Kafka: a run's outbox row is written with it and
 * leaves once the broker acknowledged its request; a row left behind (a gateway that died between its commit and
 * its publish) is published by the relay from the database alone.
 */
@QuarkusTest
class RunOutboxTest {

    @Inject
    Pool pool;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Test
    void anAcknowledgedRunLeavesTheOutboxAndALeftOverRowIsRelayed() {
        String key = Api.newTenant();
        String slug = Api.createPrompt(key, "Outbox", Api.promptDraft("Hello {{name}}"));
        Api.publish(key, "prompts", slug);

        try (var probe = new TopicProbe(bootstrapServers, "runs.low")) {
            String id = Api.as(key).body(Map.of("inputs", Map.of("name", "Ada"), "priority", "low"))
                    .post("/api/v1/prompts/{slug}/1/runs", slug)
                    .then().statusCode(200).extract().path("id");
            UUID runId = UUID.fromString(id);
            probe.await(record -> record.value().contains(id), Duration.ofSeconds(10))
                    .orElseThrow(() -> new AssertionError("run " + id + " was not published"));
            await().atMost(Duration.ofSeconds(10)).until(() -> outboxRows(runId) == 0);

            // As a gateway that committed the run and died before publishing would leave it.
            pool.preparedQuery("INSERT INTO gateway.run_outbox (run_id, relay_after) VALUES ($1, now())")
                    .execute(Tuple.of(runId)).await().indefinitely();
            var relayed = probe.await(record -> record.value().contains(id), Duration.ofSeconds(15))
                    .orElseThrow(() -> new AssertionError("the relay did not publish run " + id));
            assertEquals(id, new String(relayed.headers().lastHeader("ce_subject").value()));
            await().atMost(Duration.ofSeconds(10)).until(() -> outboxRows(runId) == 0);
        }
    }

    private long outboxRows(UUID runId) {
        return pool.preparedQuery("SELECT count(*) FROM gateway.run_outbox WHERE run_id = $1")
                .execute(Tuple.of(runId)).await().indefinitely().iterator().next().getLong(0);
    }
}
