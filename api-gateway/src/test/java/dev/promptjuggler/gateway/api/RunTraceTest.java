package dev.promptjuggler.gateway.api;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * With tracing on, a run belongs to the trace of its create-run request (here one the caller started): its record
 * on the run topic continues it, the run keeps it, and the outbox relay publishes the run in it again long after
 * the request is gone. The collector is a closed port: spans are dropped, the context still travels.
 */
@QuarkusTest
@TestProfile(RunTraceTest.Traced.class)
class RunTraceTest {

    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String CALLER = "00-" + TRACE_ID + "-00f067aa0ba902b7-01";

    public static class Traced implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.otel.exporter.otlp.traces.endpoint", "http://127.0.0.1:" + closedPort());
        }

        private static int closedPort() {
            try (ServerSocket socket = new ServerSocket(0)) {
                return socket.getLocalPort();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Inject
    Pool pool;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Test
    void theRunsRecordAndItsRelayedRecordContinueTheCreateRunRequestsTrace() {
        String key = Api.newTenant();
        String slug = Api.createPrompt(key, "Traced", Api.promptDraft("Hello {{name}}"));
        Api.publish(key, "prompts", slug);

        try (var probe = new TopicProbe(bootstrapServers, "runs.low")) {
            String id = Api.as(key).header("traceparent", CALLER)
                    .body(Map.of("inputs", Map.of("name", "Ada"), "priority", "low"))
                    .post("/api/v1/prompts/{slug}/1/runs", slug)
                    .then().statusCode(200).extract().path("id");
            UUID runId = UUID.fromString(id);
            var published = probe.await(record -> record.value().contains(id), Duration.ofSeconds(10))
                    .orElseThrow(() -> new AssertionError("run " + id + " was not published"));
            String[] sent = traceparent(published);
            assertEquals(TRACE_ID, sent[1], "the record continues the caller's trace");
            assertNotEquals("00f067aa0ba902b7", sent[2], "under the gateway's own spans, not the caller's");

            String stored = pool.preparedQuery("SELECT traceparent FROM gateway.runs WHERE id = $1")
                    .execute(Tuple.of(runId)).await().indefinitely().iterator().next().getString(0);
            assertEquals(TRACE_ID, stored.split("-")[1]);

            await().atMost(Duration.ofSeconds(10)).until(() -> outboxRows(runId) == 0);
            // As a gateway that committed the run and died before publishing would leave it.
            pool.preparedQuery("INSERT INTO gateway.run_outbox (run_id, relay_after) VALUES ($1, now())")
                    .execute(Tuple.of(runId)).await().indefinitely();
            var relayed = probe.await(record -> record.value().contains(id), Duration.ofSeconds(15))
                    .orElseThrow(() -> new AssertionError("the relay did not publish run " + id));
            assertEquals(TRACE_ID, traceparent(relayed)[1], "the relay publishes the run in its request's trace");
        }
    }

    private static String[] traceparent(ConsumerRecord<String, String> record) {
        Header header = record.headers().lastHeader("traceparent");
        assertNotNull(header, "the record carries a traceparent");
        return new String(header.value(), StandardCharsets.UTF_8).split("-");
    }

    private long outboxRows(UUID runId) {
        return pool.preparedQuery("SELECT count(*) FROM gateway.run_outbox WHERE run_id = $1")
                .execute(Tuple.of(runId)).await().indefinitely().iterator().next().getLong(0);
    }
}
