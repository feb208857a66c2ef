package dev.promptjuggler.gateway.api;

import static org.junit.jupiter.api.Assertions.assertNull;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** Without an OTLP endpoint (the tests' configuration) tracing is off: nothing is propagated, even a caller's trace. */
@QuarkusTest
class TracingOffTest {

    @Inject
    Pool pool;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Test
    void aRunIsPublishedWithoutTraceContextAndKeepsNone() {
        String key = Api.newTenant();
        String slug = Api.createPrompt(key, "Untraced", Api.promptDraft("Hello {{name}}"));
        Api.publish(key, "prompts", slug);

        try (var probe = new TopicProbe(bootstrapServers, "runs.low")) {
            String id = Api.as(key).header("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
                    .body(Map.of("inputs", Map.of("name", "Ada"), "priority", "low"))
                    .post("/api/v1/prompts/{slug}/1/runs", slug)
                    .then().statusCode(200).extract().path("id");
            var published = probe.await(record -> record.value().contains(id), Duration.ofSeconds(10))
                    .orElseThrow(() -> new AssertionError("run " + id + " was not published"));
            assertNull(published.headers().lastHeader("traceparent"));
            assertNull(pool.preparedQuery("SELECT traceparent FROM gateway.runs WHERE id = $1")
                    .execute(Tuple.of(UUID.fromString(id))).await().indefinitely().iterator().next().getString(0));
        }
    }
}
