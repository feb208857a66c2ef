package dev.promptjuggler.executor.persistence;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Retention of run-executor's own rows, one small batch per call ({@code FOR UPDATE SKIP LOCKED}, one short
 * transaction each). Tenants' retention periods are the gateway's ({@code gateway.tenants.retention_days}), and so
 * are the runs and threads. A run's state and node results are not pruned here: they go in the transaction in which
 * api-gateway prunes the run, by this schema's {@code executor.forget_runs} (migration {@code executor/V19_21}).
 */
@ApplicationScoped
public class RetentionStore {

    private final Pool pool;

    public RetentionStore(Pool pool) {
        this.pool = pool;
    }

    /** Whether any tenant keeps its data for a limited time; nothing to prune otherwise. */
    public Uni<Boolean> anyTenantLimited() {
        return pool.query("SELECT EXISTS (SELECT 1 FROM gateway.tenants WHERE retention_days IS NOT NULL)")
                .execute()
                .map(rows -> rows.iterator().next().getBoolean(0));
    }

    /** Deletes up to {@code batch} messages of thread memory older than their tenant's retention period. */
    public Uni<Integer> pruneMemory(int batch) {
        return pool.preparedQuery("DELETE FROM executor.thread_messages m WHERE m.id IN ("
                        + " SELECT x.id FROM gateway.tenants n"
                        + " JOIN gateway.threads t ON t.tenant_id = n.id"
                        + " JOIN executor.thread_messages x ON x.thread_id = t.id"
                        + " WHERE n.retention_days IS NOT NULL"
                        + " AND x.created_at < now() - make_interval(days => n.retention_days)"
                        + " LIMIT $1 FOR UPDATE OF x SKIP LOCKED)")
                .execute(Tuple.of(batch))
                .map(RowSet::rowCount);
    }
}
