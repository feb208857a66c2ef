package dev.promptjuggler.runtime.persistence;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

/**
 * Statements that run on the plan PostgreSQL keeps for each prepared statement ({@code plan_cache_mode =
 * force_generic_plan}, set for their transaction only). Left to itself, PostgreSQL plans a kept statement anew for its
 * arguments whenever it judges such a plan cheaper than the kept one, and with arrays of ids as arguments it mostly
 * does: our hottest statements spent longer being planned than executed (docs/benchmarks.md, e2e journal of
 * 2026-12-05). The setting is a transaction's ({@code SET LOCAL}), not a connection's, so that it means the same
 * through PgBouncer's transaction pooling (the Kubernetes deployment), which shares server connections between clients
 * and refuses settings as startup parameters.
 *
 * <p>The transaction's opening ({@code BEGIN}, the setting) is sent with its first statement without waiting for
 * their answers, and where no statement needs another's answer the {@code COMMIT} goes with them: one round trip for
 * a {@link #statement} instead of four (a failed statement's {@code COMMIT} rolls back).
 *
 * <p>Only for statements whose kept plan is as good as any: a kept plan knows no argument's value, so a limit or a
 * cut-off date (retention, searches with optional filters) is planned blind; those stay on the pool's default.
 */
public final class KeptPlans {

    private static final String KEPT = "SELECT set_config('plan_cache_mode', 'force_generic_plan', true)";

    private static final String KEPT_UNFLUSHED = "SELECT set_config('plan_cache_mode', 'force_generic_plan', true),"
            + " set_config('synchronous_commit', 'off', true)";

    private KeptPlans() {
    }

    /** A statement and its arguments. */
    public record Statement(String sql, Tuple arguments) {
    }

    /** One statement on its kept plan, committed durably, in one round trip. */
    public static Uni<RowSet<Row>> statement(Pool pool, String sql, Tuple arguments) {
        return statements(pool, new Statement(sql, arguments)).map(answers -> answers.get(0));
    }

    /**
     * One statement on its kept plan whose commit does not wait for the WAL flush (a database crash may lose its last
     * fraction of a second), in one round trip. Only for writes whose loss is harmless; the caller says why.
     */
    public static Uni<RowSet<Row>> unflushedStatement(Pool pool, String sql, Tuple arguments) {
        return unflushedStatements(pool, new Statement(sql, arguments)).map(answers -> answers.get(0));
    }

    /**
     * Statements that need no answer of each other, in one transaction on their kept plans, committed durably, in one
     * round trip; their answers in the same order.
     */
    public static Uni<List<RowSet<Row>>> statements(Pool pool, Statement... statements) {
        return pipelined(pool, KEPT, List.of(statements));
    }

    /** As {@link #statements}, with a commit that does not wait for the WAL flush; the caller says why. */
    public static Uni<List<RowSet<Row>>> unflushedStatements(Pool pool, Statement... statements) {
        return pipelined(pool, KEPT_UNFLUSHED, List.of(statements));
    }

    /**
     * {@code work} in a transaction on kept plans whose commit does not wait for the WAL flush: a database crash may
     * lose its last fraction of a second. Only for writes whose loss is harmless; the caller says why. For statements
     * that need the answers of earlier ones; its opening goes out with the first of them.
     */
    public static <T> Uni<T> unflushedTransaction(Pool pool, Function<SqlConnection, Uni<T>> work) {
        return pool.withConnection(connection -> {
            CompletableFuture<?> opened = open(connection, KEPT_UNFLUSHED);
            return work.apply(connection)
                    .call(() -> Uni.createFrom().completionStage(opened))
                    .call(() -> connection.query("COMMIT").execute())
                    .onFailure().call(() -> connection.query("ROLLBACK").execute()
                            .onFailure().recoverWithNull());
        });
    }

    private static Uni<List<RowSet<Row>>> pipelined(Pool pool, String settings, List<Statement> statements) {
        return pool.withConnection(connection -> {
            // Sent one after the other without waiting: the connection pipelines them, PostgreSQL answers in order.
            List<CompletableFuture<?>> sent = new ArrayList<>();
            sent.add(open(connection, settings));
            List<CompletableFuture<RowSet<Row>>> executed = new ArrayList<>();
            for (Statement statement : statements) {
                executed.add(connection.preparedQuery(statement.sql()).execute(statement.arguments())
                        .subscribeAsCompletionStage());
            }
            sent.addAll(executed);
            sent.add(connection.query("COMMIT").execute().subscribeAsCompletionStage());
            return Uni.createFrom().completionStage(CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new))
                    .handle((ignored, anyFailure) -> {
                        Throwable failure = firstFailure(sent);
                        if (failure != null) {
                            throw new CompletionException(failure);
                        }
                        return executed.stream().map(CompletableFuture::join).toList();
                    }));
        });
    }

    /** {@code BEGIN} and the settings, sent at once; answered before any statement sent after them. */
    private static CompletableFuture<?> open(SqlConnection connection, String settings) {
        return CompletableFuture.allOf(connection.query("BEGIN").execute().subscribeAsCompletionStage(),
                connection.preparedQuery(settings).execute().subscribeAsCompletionStage());
    }

    /** The first failure, in the order the commands were sent; null when all succeeded. */
    private static Throwable firstFailure(List<CompletableFuture<?>> sent) {
        for (CompletableFuture<?> command : sent) {
            if (command.isCompletedExceptionally()) {
                try {
                    command.join();
                } catch (CompletionException failure) {
                    return failure.getCause();
                } catch (CancellationException cancelled) {
                    return cancelled;
                }
            }
        }
        return null;
    }
}
