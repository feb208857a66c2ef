package bench.executor;

import dev.promptjuggler.schema.testing.PendingRuns;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgPool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What api-gateway does before a run reaches the executor, done for real (as run-executor's TestPlatform does):
 * tenant, prompt definition and published revision, thread and pending run rows as the gateway stores them, and
 * the run's {@code RunRequested} record on the topic of its priority, keyed by thread id. Plus the rows' times.
 */
final class Platform implements AutoCloseable {

    /** A tenant with a published revision that asks the model {@code {{text}}}. */
    record Prompt(UUID tenantId, UUID revisionId) {
    }

    /** A stored run, as needed to publish its request. */
    record Run(UUID id, UUID threadId, Instant createdAt) {
    }

    /** A run's times in microseconds since the epoch (database clock); 0 when not (yet) set. */
    record Times(String priority, String status, long created, long started, long finished, long notified) {
    }

    private static final String INSERT_RUNS = "WITH t AS (INSERT INTO gateway.threads (id, tenant_id)"
            + "   SELECT gen_random_uuid(), $1 FROM generate_series(1, $2) RETURNING id)"
            + PendingRuns.insert("SELECT gen_random_uuid(), $1, 'prompt', t.id, 'default', $3, 'production', $4, 1,"
            + "   jsonb_build_object('text', 'benchmark run on thread ' || t.id) FROM t RETURNING id, thread_id, created_at");

    private final Vertx vertx = Vertx.vertx();
    private final PgPool pool;
    private final KafkaProducer<String, String> producer;

    Platform(int pgPort, String database, String user, String password, String kafka) {
        pool = PgPool.pool(vertx, new PgConnectOptions().setHost("127.0.0.1").setPort(pgPort).setDatabase(database)
                .setUser(user).setPassword(password).setCachePreparedStatements(true), new PoolOptions().setMaxSize(6));
        Properties properties = new Properties();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka);
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.LINGER_MS_CONFIG, 2);
        producer = new KafkaProducer<>(properties, new StringSerializer(), new StringSerializer());
    }

    Prompt prompt(String name) {
        UUID tenant = UUID.randomUUID();
        UUID definition = UUID.randomUUID();
        UUID revision = UUID.randomUUID();
        query("INSERT INTO gateway.tenants (id, name) VALUES ($1, $2)", tenant, "executor benchmark " + name);
        query("INSERT INTO gateway.definitions (id, tenant_id, name, slug, draft, kind)"
                + " VALUES ($1, $2, 'Echo', 'pr_echo', '{}'::jsonb, 'prompt')", definition, tenant);
        query("INSERT INTO gateway.revisions (id, tenant_id, definition_id, version, config) VALUES ($1, $2, $3, 1,"
                + " '{\"provider\":\"openai\",\"model\":\"gpt-5.5\",\"messages\":[{\"role\":\"user\",\"content\":\"{{text}}\"}]}'::jsonb)",
                revision, tenant, definition);
        return new Prompt(tenant, revision);
    }

    /** Stores {@code count} pending runs, each on a new thread, in statements of at most 5,000 runs. */
    List<Run> store(Prompt prompt, String priority, int count) {
        List<Run> runs = new ArrayList<>(count);
        for (int done = 0; done < count; done += 5000) {
            for (Row row : query(INSERT_RUNS, prompt.tenantId(), Math.min(5000, count - done), priority, prompt.revisionId())) {
                runs.add(run(row));
            }
        }
        return runs;
    }

    /** Stores one pending run (thread and run in one statement) without waiting; completes with the run. */
    CompletableFuture<Run> storeOne(Prompt prompt, String priority) {
        return pool.preparedQuery(INSERT_RUNS).execute(Tuple.of(prompt.tenantId(), 1, priority, prompt.revisionId()))
                .map(rows -> run(rows.iterator().next()))
                .toCompletionStage().toCompletableFuture();
    }

    private static Run run(Row row) {
        return new Run(row.getUUID("id"), row.getUUID("thread_id"), row.getOffsetDateTime("created_at").toInstant());
    }

    /** Publishes a run's request as the gateway does; completes when the broker acknowledged it. */
    CompletableFuture<Void> publish(Prompt prompt, Run run, String priority) {
        String value = "{\"runId\":\"" + run.id() + "\",\"tenantId\":\"" + prompt.tenantId() + "\",\"threadId\":\""
                + run.threadId() + "\",\"kind\":\"prompt\",\"priority\":\"" + priority + "\",\"revisionId\":\""
                + prompt.revisionId() + "\",\"acceptedAt\":\"" + run.createdAt() + "\"}";
        CompletableFuture<Void> sent = new CompletableFuture<>();
        producer.send(new ProducerRecord<>("runs." + priority, run.threadId().toString(), value), (metadata, failure) -> {
            if (failure != null) {
                sent.completeExceptionally(failure);
            } else {
                sent.complete(null);
            }
        });
        return sent;
    }

    void publishAll(Prompt prompt, List<Run> runs, String priority) {
        List<CompletableFuture<Void>> sends = new ArrayList<>(runs.size());
        runs.forEach(run -> sends.add(publish(prompt, run, priority)));
        CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).join();
    }

    long count(String sql, Object... parameters) {
        return query(sql, parameters).iterator().next().getLong(0);
    }

    List<Times> times(UUID tenantId) {
        List<Times> times = new ArrayList<>();
        for (Row row : query("SELECT priority, status, " + micros("created_at") + ", " + micros("started_at") + ", "
                + micros("finished_at") + ", " + micros("notified_at") + " FROM gateway.runs_with_state WHERE tenant_id = $1",
                tenantId)) {
            times.add(new Times(row.getString(0), row.getString(1), row.getLong(2), row.getLong(3), row.getLong(4),
                    row.getLong(5)));
        }
        return times;
    }

    private static String micros(String column) {
        return "coalesce((extract(epoch FROM " + column + ") * 1000000)::bigint, 0)";
    }

    /** Waits until every run of the tenant has finished and been notified; false when the time ran out. */
    boolean awaitFinished(UUID tenantId, long expected, long timeoutSeconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (System.nanoTime() < deadline) {
            if (count("SELECT count(*) FROM gateway.runs_with_state WHERE tenant_id = $1 AND notified_at IS NOT NULL", tenantId)
                    >= expected) {
                return true;
            }
            Thread.sleep(1000);
        }
        return false;
    }

    RowSet<Row> query(String sql, Object... parameters) {
        Future<RowSet<Row>> result = parameters.length == 0 ? pool.query(sql).execute()
                : pool.preparedQuery(sql).execute(Tuple.from(parameters));
        return result.toCompletionStage().toCompletableFuture().join();
    }

    @Override
    public void close() {
        producer.close();
        pool.close();
        vertx.close();
    }
}
