package dev.promptjuggler.dispatcher.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.promptjuggler.dispatcher.delivery.FinishedEvent;
import dev.promptjuggler.dispatcher.support.Platform;
import dev.promptjuggler.runtime.persistence.KeptPlans;
import dev.promptjuggler.runtime.persistence.KeptPlans.Statement;
import dev.promptjuggler.schema.testing.TestDatabase;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.PoolOptions;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Statements and transactions on kept plans set PostgreSQL's plan choice (and, unflushed, the commit's wait) for their
 * transaction only, a failed one leaves nothing behind, and the fan-out's reads run on their kept plans: on a pool of
 * one connection, kept prepared as every service's pool keeps them, PostgreSQL's own count of plans per prepared
 * statement shows which plan each execution ran.
 */
@QuarkusTest
class KeptPlansTest {

    private static final String SETTINGS = "SELECT current_setting('plan_cache_mode'),"
            + " current_setting('synchronous_commit')";

    /** A session setting made inside the statement's transaction, then a division by its argument. */
    private static final String SET_THEN_DIVIDE = "SELECT set_config('promptjuggler.probe', 'kept', false), 1 / $1::int";

    private static final String PROBE = "SELECT coalesce(current_setting('promptjuggler.probe', true), '')";

    @Inject
    Vertx vertx;

    private Pool oneConnection;

    @BeforeEach
    void open() {
        PgConnectOptions options = PgConnectOptions.fromUri(TestDatabase.jdbcUrl().substring("jdbc:".length()))
                .setUser(TestDatabase.user()).setPassword(TestDatabase.password())
                .setCachePreparedStatements(true);
        oneConnection = Pool.newInstance(PgBuilder.pool().with(new PoolOptions().setMaxSize(1))
                .connectingTo(options).using(vertx).build());
    }

    @AfterEach
    void close() {
        oneConnection.closeAndAwait();
    }

    @Test
    void aStatementRunsOnItsKeptPlanCommitsDurablyAndLeavesTheConnectionAsItWas() {
        assertEquals(List.of("auto", "on"), settings(oneConnection.query(SETTINGS).executeAndAwait()));

        assertEquals(List.of("force_generic_plan", "on"),
                settings(KeptPlans.statement(oneConnection, SETTINGS, Tuple.tuple()).await().indefinitely()));
        assertEquals(List.of("auto", "on"), settings(oneConnection.query(SETTINGS).executeAndAwait()));
    }

    @Test
    void anUnflushedStatementAlsoCommitsWithoutWaitingForTheFlush() {
        assertEquals(List.of("force_generic_plan", "off"),
                settings(KeptPlans.unflushedStatement(oneConnection, SETTINGS, Tuple.tuple()).await().indefinitely()));
        assertEquals(List.of("auto", "on"), settings(oneConnection.query(SETTINGS).executeAndAwait()));
    }

    @Test
    void statementsRunInOneTransactionAndAnswerInTheirOrder() {
        List<RowSet<Row>> answers = KeptPlans.statements(oneConnection,
                new Statement("SELECT txid_current(), $1::int", Tuple.of(1)),
                new Statement("SELECT txid_current(), $1::int", Tuple.of(2))).await().indefinitely();

        Row first = answers.get(0).iterator().next();
        Row second = answers.get(1).iterator().next();
        assertEquals(1, first.getInteger(1));
        assertEquals(2, second.getInteger(1));
        assertEquals(first.getLong(0), second.getLong(0), "one transaction");
    }

    @Test
    void whenOneOfTheStatementsFailsNoneIsCommitted() {
        assertThrows(PgException.class, () -> KeptPlans.unflushedStatements(oneConnection,
                new Statement(SET_THEN_DIVIDE, Tuple.of(1)), new Statement(SET_THEN_DIVIDE, Tuple.of(0)))
                .await().indefinitely());

        assertEquals("", oneConnection.query(PROBE).executeAndAwait().iterator().next().getString(0));
    }

    @Test
    void aStatementCommitsWhatItDid() {
        KeptPlans.statement(oneConnection, SET_THEN_DIVIDE, Tuple.of(1)).await().indefinitely();

        assertEquals("kept", oneConnection.query(PROBE).executeAndAwait().iterator().next().getString(0));
    }

    @Test
    void aFailedStatementFailsAndRollsBackWhatItDid() {
        var failure = assertThrows(PgException.class,
                () -> KeptPlans.statement(oneConnection, SET_THEN_DIVIDE, Tuple.of(0)).await().indefinitely());
        assertEquals("22012", failure.getSqlState(), "division by zero: " + failure.getMessage());

        // Rolled back, and the connection is out of the aborted transaction: its next statement runs.
        assertEquals("", oneConnection.query(PROBE).executeAndAwait().iterator().next().getString(0));
        assertEquals(List.of("auto", "on"), settings(oneConnection.query(SETTINGS).executeAndAwait()));
    }

    @Test
    void aTransactionRunsOnKeptPlansAndAFailedOneRollsBack() {
        assertEquals(List.of("force_generic_plan", "off"), settings(KeptPlans.unflushedTransaction(oneConnection,
                connection -> connection.query(SETTINGS).execute()).await().indefinitely()));

        assertThrows(PgException.class, () -> KeptPlans.unflushedTransaction(oneConnection,
                connection -> connection.preparedQuery(SET_THEN_DIVIDE).execute(Tuple.of(1))
                        .chain(() -> connection.preparedQuery(SET_THEN_DIVIDE).execute(Tuple.of(0))))
                .await().indefinitely());

        assertEquals("", oneConnection.query(PROBE).executeAndAwait().iterator().next().getString(0));
        assertEquals(List.of("auto", "on"), settings(oneConnection.query(SETTINGS).executeAndAwait()));
    }

    @Test
    void theFanOutReadsEndpointsOnTheirKeptPlanFromTheFirstExecution() {
        UUID tenant = Platform.tenant();
        // Subscribed to another type: the fan-out reads the endpoint and stores the events, with no delivery.
        Platform.endpoint(tenant, "http://127.0.0.1:9/unused", List.of("workflowrun.finished"), null);
        FanOutStore store = new FanOutStore(oneConnection);

        for (int i = 0; i < 3; i++) {
            FinishedEvent event = new FinishedEvent(UUID.randomUUID(), tenant, "promptrun.finished", null, "{}", null,
                    null);
            assertEquals(0, store.fanOut(List.of(event), 8, 8, Duration.ofSeconds(30)).await().indefinitely()
                    .queued());
        }

        Row plans = oneConnection.preparedQuery("SELECT generic_plans, custom_plans FROM pg_prepared_statements"
                + " WHERE statement = $1").executeAndAwait(Tuple.of(FanOutStore.FAN_OUT_ENDPOINTS)).iterator().next();
        assertEquals(0, plans.getLong("custom_plans"), "executions planned for their arguments");
        assertTrue(plans.getLong("generic_plans") >= 3, "executions on the kept plan: " + plans.getLong("generic_plans"));
    }

    private static List<String> settings(RowSet<Row> rows) {
        Row row = rows.iterator().next();
        return List.of(row.getString(0), row.getString(1));
    }
}
