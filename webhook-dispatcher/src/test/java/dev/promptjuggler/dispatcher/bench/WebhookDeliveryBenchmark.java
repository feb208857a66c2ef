package dev.promptjuggler.dispatcher.bench;

import dev.promptjuggler.dispatcher.support.Platform;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Not a test: the webhook delivery benchmark, run only by {@code ./platform bench webhooks} (surefire's
 * default includes leave it out). The dispatcher runs in this JVM against the real broker and database;
 * a Vert.x receiver on loopback answers 200. Measured in the same run:
 * <ol>
 * <li>throughput: events published to {@code runs.finished} as fast as possible, deliveries/s until
 * the last one arrived;</li>
 * <li>first-attempt latency at a steady event rate: from handing the event to the Kafka producer to the
 * request arriving at the receiver, p50/p99;</li>
 * <li>a bare harness: a plain Vert.x Web Client POST loop to the same receiver, as many in flight as
 * the dispatcher may have, requests/s and latency.</li>
 * </ol>
 * Sizes come from system properties ({@code bench.events}, {@code bench.rate}, {@code bench.seconds},
 * {@code bench.endpoints}, {@code bench.warmUpSeconds}); the table goes to stdout and
 * {@code target/webhook-benchmark.md}, each paced event's send time and latency to
 * {@code target/webhook-latencies.csv}.
 */
@QuarkusTest
@TestProfile(WebhookDeliveryBenchmark.Profile.class)
class WebhookDeliveryBenchmark {

    private static final int IN_FLIGHT = 512;

    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "dispatcher.queue.max-in-flight", Integer.toString(IN_FLIGHT),
                    "dispatcher.limits.max-in-flight-per-endpoint", "64",
                    "dispatcher.limits.rate-per-endpoint", "0",
                    "quarkus.log.category.\"dev.promptjuggler\".level", "WARN");
        }
    }

    /** The receiver and the bare harness get a Vert.x of their own, apart from the dispatcher's event loops. */
    private Vertx vertx;

    private final int events = Integer.getInteger("bench.events", 20_000);
    private final int rate = Integer.getInteger("bench.rate", 1_000);
    private final int seconds = Integer.getInteger("bench.seconds", 20);
    private final int endpoints = Integer.getInteger("bench.endpoints", 16);
    private final int warmUpSeconds = Integer.getInteger("bench.warmUpSeconds", 40);

    private HttpServer receiver;
    private final Map<String, Long> arrivals = new ConcurrentHashMap<>();
    private final AtomicInteger bareArrivals = new AtomicInteger();
    private KafkaProducer<String, String> producer;
    private final List<UUID> tenants = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        vertx = Vertx.vertx();
        receiver = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
            long now = System.nanoTime();
            String text = body.toString(StandardCharsets.UTF_8);
            int at = text.indexOf("\"id\":\"");
            if (request.path().startsWith("/bare")) {
                bareArrivals.incrementAndGet();
            } else if (at >= 0) {
                arrivals.putIfAbsent(text.substring(at + 6, at + 42), now);
            }
            request.response().setStatusCode(200).end();
        })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        for (int i = 0; i < endpoints; i++) {
            UUID tenant = Platform.tenant();
            Platform.endpoint(tenant, "http://127.0.0.1:" + receiver.actualPort() + "/hooks/" + i);
            tenants.add(tenant);
        }
        Properties properties = new Properties();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class));
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.LINGER_MS_CONFIG, "1");
        producer = new KafkaProducer<>(properties, new StringSerializer(), new StringSerializer());
    }

    @AfterEach
    void tearDown() {
        producer.close();
        vertx.close();
    }

    @Test
    void measure() throws Exception {
        // Warm-up, so that the JIT compiler (on these two cores the busiest thread of a fresh JVM) is done
        // before measuring: a burst, then the steady rate for a while. A shorter steady warm-up left the
        // measured phase with stalls and a falling p50 (docs/benchmarks.md, webhooks, run 9′).
        List<String> warmUp = publishBurst(events / 2);
        awaitArrivals(warmUp.size(), 300);
        int warmUpPaced = publishPaced(rate, warmUpSeconds, new ConcurrentHashMap<>());
        awaitArrivals(warmUp.size() + warmUpPaced, 300);
        arrivals.clear();

        long start = System.nanoTime();
        List<String> burst = publishBurst(events);
        awaitArrivals(events, 600);
        long end = burst.stream().mapToLong(arrivals::get).max().orElseThrow();
        double deliveriesPerSecond = events / ((end - start) / 1e9);
        arrivals.clear();

        Map<String, Long> sent = new ConcurrentHashMap<>();
        int paced = publishPaced(rate, seconds, sent);
        awaitArrivals(paced, 600);
        long[] latencies = sent.entrySet().stream().mapToLong(entry -> arrivals.get(entry.getKey()) - entry.getValue())
                .sorted().toArray();
        long pacedStart = sent.values().stream().mapToLong(Long::longValue).min().orElseThrow();
        Files.writeString(Path.of("target/webhook-latencies.csv"), "sent_ms,latency_ms\n" + sent.entrySet().stream()
                .sorted(Map.Entry.comparingByValue())
                .map(entry -> String.format(Locale.ROOT, "%.1f,%.2f", (entry.getValue() - pacedStart) / 1e6,
                        (arrivals.get(entry.getKey()) - entry.getValue()) / 1e6))
                .collect(Collectors.joining("\n")) + "\n");

        Bare bare = bareHarness(events);

        String table = """
                | Measure | webhook-dispatcher | bare Vert.x Web Client loop |
                |---|---|---|
                | Deliveries/s (%d events, %d endpoints of %d tenants, %d in flight at most) | %.0f | %.0f requests/s |
                | First attempt p50, runs.finished → receiver (%d events at %d/s) | %.1f ms | %.1f ms (request p50) |
                | First attempt p99 | %.1f ms | %.1f ms (request p99) |
                | First attempt max | %.1f ms | |
                """.formatted(events, endpoints, endpoints, IN_FLIGHT, deliveriesPerSecond, bare.perSecond(),
                paced, rate, percentile(latencies, 50), bare.p50(), percentile(latencies, 99), bare.p99(),
                latencies[latencies.length - 1] / 1e6);
        System.out.println("\n" + table);
        Files.writeString(Path.of("target/webhook-benchmark.md"), table);
    }

    private List<String> publishBurst(int count) {
        List<String> runs = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String run = UUID.randomUUID().toString();
            runs.add(run);
            send(tenants.get(i % tenants.size()), run);
        }
        producer.flush();
        return runs;
    }

    private int publishPaced(int perSecond, int durationSeconds, Map<String, Long> sent) throws InterruptedException {
        int total = perSecond * durationSeconds;
        long started = System.nanoTime();
        for (int i = 0; i < total; i++) {
            long due = started + (long) (i * (1e9 / perSecond));
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            String run = UUID.randomUUID().toString();
            sent.put(run, System.nanoTime());
            send(tenants.get(i % tenants.size()), run);
        }
        producer.flush();
        return total;
    }

    private void send(UUID tenant, String run) {
        String value = "{\"runId\":\"" + run + "\",\"tenantId\":\"" + tenant + "\",\"kind\":\"prompt\",\"status\":\"completed\","
                + "\"environment\":\"production\",\"finishedAt\":\"" + Instant.now() + "\"}";
        ProducerRecord<String, String> record = new ProducerRecord<>("runs.finished", run, value);
        record.headers().add("ce_specversion", "1.0".getBytes(StandardCharsets.UTF_8));
        record.headers().add("ce_id", UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
        record.headers().add("ce_type", "promptrun.finished".getBytes(StandardCharsets.UTF_8));
        record.headers().add("ce_source", "urn:promptjuggler:benchmark".getBytes(StandardCharsets.UTF_8));
        producer.send(record);
    }

    private void awaitArrivals(int expected, int timeoutSeconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (arrivals.size() < expected) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("only " + arrivals.size() + " of " + expected + " deliveries arrived");
            }
            Thread.sleep(20);
        }
    }

    private record Bare(double perSecond, double p50, double p99) {
    }

    /** The same receiver, the same body size, the same number in flight, nothing but the HTTP client. */
    private Bare bareHarness(int count) throws InterruptedException {
        WebClient client = WebClient.create(vertx, new WebClientOptions().setMaxPoolSize(IN_FLIGHT).setKeepAlive(true));
        Buffer body = Buffer.buffer("{\"event\":\"promptrun.finished\",\"id\":\"" + UUID.randomUUID() + "\",\"status\":\"completed\"}");
        long[] latencies = new long[count];
        AtomicInteger next = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(count);
        long start = System.nanoTime();
        Runnable[] loop = new Runnable[1];
        loop[0] = () -> {
            int index = next.getAndIncrement();
            if (index >= count) {
                return;
            }
            long sentAt = System.nanoTime();
            client.postAbs("http://127.0.0.1:" + receiver.actualPort() + "/bare")
                    .putHeader("Content-Type", "application/json")
                    .sendBuffer(body)
                    .onComplete(result -> {
                        latencies[index] = System.nanoTime() - sentAt;
                        done.countDown();
                        loop[0].run();
                    });
        };
        vertx.runOnContext(ignored -> {
            for (int i = 0; i < IN_FLIGHT; i++) {
                loop[0].run();
            }
        });
        done.await(300, TimeUnit.SECONDS);
        double perSecond = count / ((System.nanoTime() - start) / 1e9);
        client.close();
        Arrays.sort(latencies);
        return new Bare(perSecond, percentile(latencies, 50), percentile(latencies, 99));
    }

    private static double percentile(long[] sortedNanos, int percent) {
        int index = (int) Math.ceil(percent / 100.0 * sortedNanos.length) - 1;
        return sortedNanos[Math.max(0, index)] / 1e6;
    }
}
