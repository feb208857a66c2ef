package dev.promptjuggler.runtime.persistence;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import java.util.function.Function;

/**
 * Transactions whose statements run on the plan PostgreSQL keeps for each prepared statement
 * ({@code plan_cache_mode = force_generic_plan}, for the transaction only). Left to itself, PostgreSQL plans a kept
 * statement anew for its arguments whenever it judges such a plan cheaper than the kept one, and with arrays of ids as
 * arguments it mostly does: our hottest statements spent longer being planned than executed (docs/benchmarks.md, e2e
 * journal of 2026-12-05). The setting rides on the transaction's first statement, itself kept prepared
 * ({@link StatementCachingPools}), so it costs no planning and no round trip of its own.
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

    /** {@code work} in a transaction on kept plans, committed durably. */
    public static <T> Uni<T> transaction(Pool pool, Function<SqlConnection, Uni<T>> work) {
        return opening(pool, KEPT, work);
    }

    /**
     * {@code work} in a transaction on kept plans whose commit does not wait for the WAL flush: a database crash may
     * lose its last fraction of a second. Only for writes whose loss is harmless; the caller says why.
     */
    public static <T> Uni<T> unflushedTransaction(Pool pool, Function<SqlConnection, Uni<T>> work) {
        return opening(pool, KEPT_UNFLUSHED, work);
    }

    private static <T> Uni<T> opening(Pool pool, String settings, Function<SqlConnection, Uni<T>> work) {
        return pool.withTransaction(connection -> connection.preparedQuery(settings).execute()
                .chain(() -> work.apply(connection)));
    }
}
