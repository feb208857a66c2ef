package dev.promptjuggler.gateway.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.promptjuggler.contracts.RunKind;
import dev.promptjuggler.gateway.persistence.RunRepository.NewRun;
import dev.promptjuggler.gateway.persistence.RunRepository.ThreadUse;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Runs on fresh threads from concurrent requests share statements ({@link RunInserts}): every run is stored whole (its
 * thread, its outbox row, its envVars), far fewer statements commit than runs arrive, and a run the database refuses
 * fails alone. The outbox rows are due in an hour, so no relay publishes these runs; the rows are removed after.
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RunInsertsTest {

    private static final Duration RELAY_AFTER = Duration.ofHours(1);

    @Inject
    Pool pool;

    @Inject
    RunRepository runs;

    private final UUID tenant = UUID.randomUUID();
    private final UUID revision = UUID.randomUUID();

    @BeforeAll
    void aTenantWithAPublishedPrompt() {
        UUID definition = UUID.randomUUID();
        sql("INSERT INTO gateway.tenants (id, name) VALUES ($1, 'inserts ' || $1)", Tuple.of(tenant));
        sql("INSERT INTO gateway.definitions (id, tenant_id, name, slug, draft, kind)"
                + " VALUES ($1, $2, 'Inserts', 'pr_inserts_' || $2, '{}', 'prompt')", Tuple.of(definition, tenant));
        sql("INSERT INTO gateway.revisions (id, tenant_id, definition_id, version, config)"
                + " VALUES ($1, $2, $3, 1, '{\"provider\": \"openai\", \"model\": \"gpt-5.5\"}')",
                Tuple.of(revision, tenant, definition));
    }

    @AfterAll
    void removeTheRows() {
        sql("DELETE FROM gateway.run_env_vars WHERE tenant_id = $1", Tuple.of(tenant));
        sql("DELETE FROM gateway.runs WHERE tenant_id = $1", Tuple.of(tenant));
        for (String table : List.of("threads", "revisions", "definitions")) {
            sql("DELETE FROM gateway." + table + " WHERE tenant_id = $1", Tuple.of(tenant));
        }
        sql("DELETE FROM gateway.tenants WHERE id = $1", Tuple.of(tenant));
    }

    @Test
    void concurrentRunsAreStoredWholeInFewStatements() {
        List<NewRun> sent = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            sent.add(run(revision, i % 3 == 0 ? "sealed-" + i : null));
        }

        List<Boolean> stored = awaitAll(sent.stream()
                .map(run -> runs.insert(run, ThreadUse.FRESH, null, RELAY_AFTER)).toList());

        assertTrue(stored.stream().allMatch(Boolean::booleanValue));
        UUID[] ids = sent.stream().map(NewRun::id).toArray(UUID[]::new);
        Row counts = pool.preparedQuery("SELECT count(*) AS runs, count(DISTINCT r.xmin::text) AS statements,"
                        + " count(t.id) AS threads, count(o.run_id) AS outbox, count(e.run_id) AS env_vars,"
                        + " count(*) FILTER (WHERE r.inputs = jsonb_build_object('n', right(r.id::text, 12))"
                        + "   AND r.thread_id = t.id AND t.tenant_id = r.tenant_id) AS exact"
                        + " FROM gateway.runs r LEFT JOIN gateway.threads t ON t.id = r.thread_id"
                        + " LEFT JOIN gateway.run_outbox o ON o.run_id = r.id"
                        + " LEFT JOIN gateway.run_env_vars e ON e.run_id = r.id WHERE r.id = ANY ($1)")
                .execute(Tuple.of(ids)).await().atMost(Duration.ofSeconds(10)).iterator().next();
        assertEquals(300, counts.getLong("runs"));
        assertEquals(300, counts.getLong("threads"));
        assertEquals(300, counts.getLong("outbox"));
        assertEquals(100, counts.getLong("env_vars"));
        assertEquals(300, counts.getLong("exact"), "each run has its own inputs and its own thread");
        // One transaction per statement: 300 runs sent at once need a few, not 300.
        assertTrue(counts.getLong("statements") <= 10, counts.getLong("statements") + " statements");
    }

    @Test
    void aRunTheDatabaseRefusesFailsAloneAndTheOthersAreStored() {
        List<NewRun> sent = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            sent.add(run(i == 25 ? UUID.randomUUID() : revision, null));
        }

        List<CompletableFuture<Boolean>> outcomes = sent.stream()
                .map(run -> runs.insert(run, ThreadUse.FRESH, null, RELAY_AFTER).subscribeAsCompletionStage())
                .toList();

        for (int i = 0; i < outcomes.size(); i++) {
            CompletableFuture<Boolean> outcome = outcomes.get(i);
            if (i == 25) {
                Throwable refused = assertThrows(Exception.class, outcome::join);
                assertInstanceOf(PgException.class, refused.getCause(), "the unknown revision's foreign key");
            } else {
                assertTrue(outcome.join());
            }
        }
        UUID[] ids = sent.stream().map(NewRun::id).toArray(UUID[]::new);
        long stored = pool.preparedQuery("SELECT count(*) FROM gateway.runs WHERE id = ANY ($1)").execute(Tuple.of(ids))
                .await().atMost(Duration.ofSeconds(10)).iterator().next().getLong(0);
        assertEquals(49, stored);
        long strayThreads = pool.preparedQuery("SELECT count(*) FROM gateway.threads WHERE id = $1")
                .execute(Tuple.of(sent.get(25).threadId())).await().atMost(Duration.ofSeconds(10)).iterator().next()
                .getLong(0);
        assertEquals(0, strayThreads, "the refused run's thread is not stored either");
    }

    private NewRun run(UUID revisionId, String envVars) {
        UUID id = UUID.randomUUID();
        return new NewRun(id, tenant, RunKind.PROMPT, UUID.randomUUID(), "default", "normal", "production",
                revisionId, 1, Map.of("n", id.toString().substring(24)), Map.of(), envVars, null, null);
    }

    private static <T> List<T> awaitAll(List<Uni<T>> operations) {
        List<CompletableFuture<T>> started = operations.stream().map(Uni::subscribeAsCompletionStage).toList();
        return started.stream().map(CompletableFuture::join).toList();
    }

    private void sql(String statement, Tuple arguments) {
        pool.preparedQuery(statement).execute(arguments).await().atMost(Duration.ofSeconds(10));
    }
}
