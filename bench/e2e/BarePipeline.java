// The end-to-end benchmark's bare pipeline (bench/e2e.sh, after the platform's rates): the hops of issue 19's item 2
// done the leanest way with the same parts, in one JVM, so that the platform's figures can be read beside what the
// parts allow on the same machine in the same run:
//   POST /runs -> the run stored (one INSERT, its own commit) -> a record to Kafka (acks=all) -> 202 {"id"}
//   -> a consumer -> the provider simulator's chat completion (not streamed) -> the outcome stored (one UPDATE)
//   -> a record to Kafka (acks=all) -> a consumer -> the webhook signed (HMAC-SHA256, PromptJuggler-Signature)
//   and POSTed to the driver's receiver -> the attempt stored (one INSERT).
// Three commits and two topics a run, against the platform's leases, claims, stream frames, notice marks, fan-out
// and queue; no limit on runs in flight. Launched as a single source file on the classpath of run-executor's
// packaged jars (Vert.x core, its PostgreSQL and web clients, the Kafka client):
//   java -cp 'run-executor/target/quarkus-app/lib/main/*' bench/e2e/BarePipeline.java
// Settings from the environment: BARE_PORT, BARE_KAFKA_BOOTSTRAP, BARE_PG_{HOST,PORT,DATABASE,USER,PASSWORD},
// BARE_PROVIDER_URL (the simulator's OpenAI base, ending in /v1), BARE_RECEIVER_URL, BARE_WEBHOOK_SECRET.
// GET /ready answers 200 once the tables and topics exist.

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

public class BarePipeline {

    static final String RUNS = "bare.runs", FINISHED = "bare.finished";
    static final int PARTITIONS = 6;

    public static void main(String[] args) throws Exception {
        String kafka = env("BARE_KAFKA_BOOTSTRAP");
        Vertx vertx = Vertx.vertx();
        Pool pool = PgBuilder.pool()
                .connectingTo(new PgConnectOptions().setHost(env("BARE_PG_HOST")).setPort(Integer.parseInt(env("BARE_PG_PORT")))
                        .setDatabase(env("BARE_PG_DATABASE")).setUser(env("BARE_PG_USER")).setPassword(env("BARE_PG_PASSWORD"))
                        .setCachePreparedStatements(true).setPipeliningLimit(256))
                .with(new PoolOptions().setMaxSize(8))
                .using(vertx)
                .build();
        pool.query("""
                CREATE SCHEMA IF NOT EXISTS bare;
                CREATE TABLE IF NOT EXISTS bare.runs (id uuid PRIMARY KEY, inputs text NOT NULL, output text,
                    created_at timestamptz NOT NULL DEFAULT now(), finished_at timestamptz);
                CREATE TABLE IF NOT EXISTS bare.attempts (run_id uuid PRIMARY KEY, status int NOT NULL,
                    latency_ms int NOT NULL, recorded_at timestamptz NOT NULL DEFAULT now())
                """).execute().toCompletionStage().toCompletableFuture().get();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka))) {
            for (String topic : List.of(RUNS, FINISHED)) {
                try {
                    admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1))).all().get();
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
        }

        Properties producerSettings = new Properties();
        producerSettings.put("bootstrap.servers", kafka);
        producerSettings.put("acks", "all");
        producerSettings.put("linger.ms", "0");
        KafkaProducer<String, String> producer = new KafkaProducer<>(producerSettings, new StringSerializer(), new StringSerializer());
        WebClient http = WebClient.create(vertx, new WebClientOptions().setKeepAlive(true).setMaxPoolSize(64));
        String provider = env("BARE_PROVIDER_URL") + "/chat/completions";
        String receiver = env("BARE_RECEIVER_URL");
        String secret = env("BARE_WEBHOOK_SECRET");

        // Accept: store the run, publish it, answer.
        vertx.createHttpServer().requestHandler(request -> {
            if (request.method() == HttpMethod.GET && request.path().equals("/ready")) {
                request.response().end("ready");
                return;
            }
            if (request.method() != HttpMethod.POST || !request.path().equals("/runs")) {
                request.response().setStatusCode(404).end();
                return;
            }
            request.body().onSuccess(body -> {
                JsonObject inputs = body.toJsonObject().getJsonObject("inputs");
                UUID id = UUID.randomUUID();
                pool.preparedQuery("INSERT INTO bare.runs (id, inputs) VALUES ($1, $2)")
                        .execute(Tuple.of(id, inputs.encode()))
                        .onSuccess(stored -> producer.send(new ProducerRecord<>(RUNS, id.toString(), inputs.encode()),
                                (metadata, error) -> {
                                    if (error != null) {
                                        request.response().setStatusCode(503).end();
                                    } else {
                                        request.response().setStatusCode(202).putHeader("Content-Type", "application/json")
                                                .end(new JsonObject().put("id", id.toString()).encode());
                                    }
                                }))
                        .onFailure(error -> request.response().setStatusCode(503).end(String.valueOf(error)));
            });
        }).listen(Integer.parseInt(env("BARE_PORT")), "127.0.0.1").toCompletionStage().toCompletableFuture().get();

        // Execute: call the provider, store the outcome, publish it.
        consume(kafka, RUNS, record -> {
            JsonObject inputs = new JsonObject(record.value());
            JsonObject call = new JsonObject().put("model", "gpt-5.5").put("messages", new JsonArray()
                    .add(new JsonObject().put("role", "user").put("content", "Say hello to " + inputs.getString("name"))));
            http.postAbs(provider).putHeader("Authorization", "Bearer sk-simulator").sendJsonObject(call)
                    .compose(answer -> {
                        String output = answer.bodyAsJsonObject().getJsonArray("choices").getJsonObject(0)
                                .getJsonObject("message").getString("content");
                        return pool.preparedQuery("UPDATE bare.runs SET output = $2, finished_at = now() WHERE id = $1")
                                .execute(Tuple.of(UUID.fromString(record.key()), output))
                                .map(updated -> output);
                    })
                    .onSuccess(output -> producer.send(new ProducerRecord<>(FINISHED, record.key(),
                            new JsonObject().put("id", record.key()).put("type", "promptrun.finished")
                                    .put("output", output).encode())))
                    .onFailure(error -> System.err.println("run " + record.key() + ": " + error));
        });

        // Deliver: sign, POST, store the attempt.
        consume(kafka, FINISHED, record -> {
            String body = record.value();
            long sent = System.nanoTime();
            http.postAbs(receiver).putHeader("Content-Type", "application/json")
                    .putHeader("PromptJuggler-Signature", signature(secret, System.currentTimeMillis() / 1000, body))
                    .sendBuffer(Buffer.buffer(body))
                    .compose(answer -> pool.preparedQuery("INSERT INTO bare.attempts (run_id, status, latency_ms) VALUES ($1, $2, $3)")
                            .execute(Tuple.of(UUID.fromString(record.key()), answer.statusCode(),
                                    (int) ((System.nanoTime() - sent) / 1_000_000))))
                    .onFailure(error -> System.err.println("webhook " + record.key() + ": " + error));
        });
        System.out.println("bare pipeline ready");
    }

    /** A thread polling one topic, handing each record on without waiting; offsets committed automatically. */
    static void consume(String kafka, String topic, Consumer<ConsumerRecord<String, String>> handler) {
        Properties settings = new Properties();
        settings.put("bootstrap.servers", kafka);
        settings.put("group.id", "bare-" + topic);
        settings.put("auto.offset.reset", "earliest");
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(settings, new StringDeserializer(), new StringDeserializer());
        consumer.subscribe(List.of(topic));
        Thread thread = new Thread(() -> {
            while (true) {
                consumer.poll(Duration.ofMillis(200)).forEach(handler);
            }
        }, "consume-" + topic);
        thread.start();
    }

    static String signature(String secret, long unixSeconds, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return "t=" + unixSeconds + ",v1=" + HexFormat.of().formatHex(
                    mac.doFinal((unixSeconds + "." + body).getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String env(String name) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " is not set");
        }
        return value;
    }
}
