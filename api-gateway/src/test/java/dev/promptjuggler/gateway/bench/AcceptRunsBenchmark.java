package dev.promptjuggler.gateway.bench;

import static io.restassured.RestAssured.given;

import dev.promptjuggler.contracts.RunKind;
import dev.promptjuggler.gateway.persistence.RunRepository;
import dev.promptjuggler.gateway.persistence.RunRepository.NewRun;
import dev.promptjuggler.gateway.persistence.RunRepository.ThreadUse;
import dev.promptjuggler.schema.testing.PendingRuns;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.ext.web.client.WebClient;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * Not a test: the accept-runs benchmark, run only by {@code ./platform bench gateway} (surefire's
 * default includes leave it out). The gateway runs in this JVM against the real broker and database.
 * Measured in the same run, each at {@code bench.concurrency} requests in flight for
 * {@code bench.seconds} after a warm-up:
 * <ol>
 * <li>the gateway: {@code POST /api/v1/prompts/{slug}/1/runs} over HTTP with an API key — auth,
 * version resolution, input checks, the run and thread insert, the Kafka produce (acks=all);</li>
 * <li>a bare harness: the same thread and run rows inserted in one transaction through the same reactive
 * pool, then an equivalent record produced with the same acks;</li>
 * <li>a grouped harness: the gateway's own store ({@link RunRepository#insert}: its statement, shared by the runs of
 * concurrent calls), then the same record produced: what accepting a run costs the gateway without HTTP, the API key,
 * the revision and the JSON.</li>
 * </ol>
 * The table goes to stdout and {@code target/gateway-benchmark.md}.
 */
@QuarkusTest
class AcceptRunsBenchmark {

    private static final int CONCURRENCY = Integer.getInteger("bench.concurrency", 64);
    private static final Duration MEASURE = Duration.ofSeconds(Integer.getInteger("bench.seconds", 60));
    private static final Duration WARM_UP = Duration.ofSeconds(Integer.getInteger("bench.warmup-seconds", 30));
    private static final String BODY = "{\"inputs\":{\"name\":\"Ada\"}}";

    @Inject
    Vertx vertx;

    @Inject
    Pool pool;

    @Inject
    RunRepository runs;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @TestHTTPResource("/")
    URL gateway;

    @Test
    void acceptRuns() throws Exception {
        String key = given().header("X-Bootstrap-Token", "test-bootstrap-token").contentType(ContentType.JSON)
                .body(Map.of("tenantName", "benchmark")).post("/manage/v1/bootstrap")
                .then().statusCode(201).extract().path("apiKey.key");
        String slug = given().auth().oauth2(key).contentType(ContentType.JSON)
                .body(Map.of("name", "Bench " + UUID.randomUUID(), "draft", Map.of("provider", "openai",
                        "model", "gpt-5.5", "messages", List.of(Map.of("role", "user", "content", "Hi {{name}}")))))
                .post("/manage/v1/prompts").then().statusCode(201).extract().path("slug");
        given().auth().oauth2(key).contentType(ContentType.JSON).body(Map.of())
                .post("/manage/v1/prompts/{slug}/versions", slug).then().statusCode(201);
        var revision = pool.preparedQuery("SELECT r.id, r.tenant_id FROM gateway.revisions r"
                        + " JOIN gateway.definitions d ON d.id = r.definition_id WHERE d.slug = $1")
                .execute(Tuple.of(slug)).await().indefinitely().iterator().next();

        WebClient client = WebClient.create(vertx, new WebClientOptions().setMaxPoolSize(CONCURRENCY)
                .setDefaultHost(gateway.getHost()).setDefaultPort(gateway.getPort()).setKeepAlive(true));
        String path = "/api/v1/prompts/" + slug + "/1/runs";
        Supplier<Uni<?>> viaGateway = () -> client.post(path)
                .bearerTokenAuthentication(key).putHeader("Content-Type", "application/json")
                .sendBuffer(io.vertx.mutiny.core.buffer.Buffer.buffer(BODY))
                .invoke(response -> {
                    if (response.statusCode() != 200) {
                        throw new IllegalStateException("gateway answered " + response.statusCode() + ": "
                                + response.bodyAsString());
                    }
                });

        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true), new StringSerializer(), new StringSerializer())) {
            UUID tenantId = revision.getUUID("tenant_id");
            UUID revisionId = revision.getUUID("id");
            Supplier<Uni<?>> bare = () -> bareAccept(producer, tenantId, revisionId);
            Supplier<Uni<?>> grouped = () -> groupedAccept(producer, tenantId, revisionId);

            run("warm-up gateway", viaGateway, WARM_UP);
            run("warm-up bare", bare, WARM_UP);
            run("warm-up grouped", grouped, WARM_UP);
            Result gatewayResult = run("gateway", viaGateway, MEASURE);
            Result bareResult = run("bare harness", bare, MEASURE);
            Result groupedResult = run("grouped harness", grouped, MEASURE);
            report(gatewayResult, bareResult, groupedResult);
        } finally {
            client.close();
        }
    }

    /** What accepting a run needs at the least: the rows in one transaction, then the record acknowledged. */
    private Uni<?> bareAccept(KafkaProducer<String, String> producer, UUID tenantId, UUID revisionId) {
        UUID thread = UUID.randomUUID();
        UUID run = UUID.randomUUID();
        return pool.withTransaction(connection -> connection
                        .preparedQuery("INSERT INTO gateway.threads (id, tenant_id) VALUES ($1, $2)")
                        .execute(Tuple.of(thread, tenantId))
                        .chain(() -> connection.preparedQuery(PendingRuns.insert(
                                        "VALUES ($1, $2, 'prompt', $3, 'default', 'normal', 'production', $4, 1, $5::text::jsonb)"))
                                .execute(Tuple.of(run, tenantId, thread, revisionId, "{\"name\":\"Ada\"}"))))
                .chain(() -> produce(producer, run, tenantId, thread, revisionId));
    }

    /**
     * The gateway's store without its front: {@link RunRepository#insert}, then the record acknowledged. The outbox
     * rows are due in an hour, so the gateway's relay leaves them alone while this runs.
     */
    private Uni<?> groupedAccept(KafkaProducer<String, String> producer, UUID tenantId, UUID revisionId) {
        var run = new NewRun(UUID.randomUUID(), tenantId, RunKind.PROMPT, UUID.randomUUID(), "default", "normal",
                "production", revisionId, 1, Map.of("name", "Ada"), Map.of(), null, null, null);
        return runs.insert(run, ThreadUse.FRESH, null, Duration.ofHours(1))
                .chain(() -> produce(producer, run.id(), tenantId, run.threadId(), revisionId));
    }

    private static Uni<?> produce(KafkaProducer<String, String> producer, UUID run, UUID tenantId, UUID thread,
            UUID revisionId) {
        String value = new JsonObject().put("runId", run.toString()).put("tenantId", tenantId.toString())
                .put("threadId", thread.toString()).put("kind", "prompt").put("priority", "normal")
                .put("revisionId", revisionId.toString()).put("acceptedAt", Instant.now().toString())
                .encode();
        CompletableFuture<Object> acked = new CompletableFuture<>();
        producer.send(new ProducerRecord<>("runs.normal", thread.toString(), value), (metadata, failure) -> {
            if (failure != null) {
                acked.completeExceptionally(failure);
            } else {
                acked.complete(metadata);
            }
        });
        return Uni.createFrom().completionStage(acked);
    }

    /** Keeps {@link #CONCURRENCY} operations in flight for {@code duration}; every latency is recorded. */
    private Result run(String name, Supplier<Uni<?>> operation, Duration duration) throws InterruptedException {
        Histogram latencies = new ConcurrentHistogram(Duration.ofSeconds(60).toNanos(), 3);
        AtomicLong failures = new AtomicLong();
        long deadline = System.nanoTime() + duration.toNanos();
        CompletableFuture<?>[] loops = new CompletableFuture<?>[CONCURRENCY];
        for (int i = 0; i < CONCURRENCY; i++) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            loops[i] = done;
            loop(operation, deadline, latencies, failures, done);
        }
        CompletableFuture.allOf(loops).join();
        long count = latencies.getTotalCount();
        System.out.printf("%s: %d operations, %d failures%n", name, count, failures.get());
        return new Result(name, count / (double) duration.toSeconds(), latencies, failures.get());
    }

    private void loop(Supplier<Uni<?>> operation, long deadline, Histogram latencies, AtomicLong failures,
            CompletableFuture<Void> done) {
        if (System.nanoTime() >= deadline) {
            done.complete(null);
            return;
        }
        long started = System.nanoTime();
        operation.get().subscribe().with(
                ok -> {
                    latencies.recordValue(System.nanoTime() - started);
                    loop(operation, deadline, latencies, failures, done);
                },
                failure -> {
                    failures.incrementAndGet();
                    loop(operation, deadline, latencies, failures, done);
                });
    }

    private static void report(Result gateway, Result bare, Result grouped) throws Exception {
        String table = String.join("\n",
                "| path | runs/s | p50 ms | p90 ms | p99 ms | max ms | failures |",
                "|---|---:|---:|---:|---:|---:|---:|",
                gateway.row(), bare.row(), grouped.row(),
                "",
                String.format("Ratio gateway / bare: **%.2f**; gateway / grouped: **%.2f** (concurrency %d, %d s measured"
                        + " after a %d s warm-up each)", gateway.perSecond() / bare.perSecond(),
                        gateway.perSecond() / grouped.perSecond(), CONCURRENCY, MEASURE.toSeconds(), WARM_UP.toSeconds()),
                "");
        System.out.println(table);
        Files.writeString(Path.of("target", "gateway-benchmark.md"), table, StandardCharsets.UTF_8);
    }

    private record Result(String name, double perSecond, Histogram latencies, long failures) {

        String row() {
            return String.format("| %s | %.0f | %.1f | %.1f | %.1f | %.1f | %d |", name, perSecond, ms(50), ms(90),
                    ms(99), latencies.getMaxValue() / 1e6, failures);
        }

        private double ms(double percentile) {
            return latencies.getValueAtPercentile(percentile) / 1e6;
        }
    }
}
