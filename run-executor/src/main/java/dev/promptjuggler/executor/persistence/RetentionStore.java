package dev.promptjuggler.executor.persistence;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Retention of run-executor's own rows, one small batch per call ({@code FOR UPDATE SKIP LOCKED}, one short
 * transaction each). Tenants' retention periods are the gateway's ({@code gateway.tenants.retention_days}), and so
 * are the runs and threads: api-gateway prunes its runs first, and this store then removes the states and node
 * results of runs that are gone. A state is never pruned while its run still exists: a run without a state reads
 * as pending, and the lane rule would take it up again.
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

    /**
     * Deletes up to {@code batch} states of finished runs whose run api-gateway pruned, with their workflow node
     * results. Only states finished over a day ago are looked at: no retention period is shorter.
     */
    public Uni<Pruned> pruneRunsGone(int batch) {
        return pool.preparedQuery("WITH old AS (SELECT x.run_id FROM executor.run_states x"
                        + "   WHERE x.finished_at < now() - interval '1 day'"
                        + "   AND NOT EXISTS (SELECT 1 FROM gateway.runs r WHERE r.id = x.run_id)"
                        + "   ORDER BY x.finished_at LIMIT $1 FOR UPDATE SKIP LOCKED),"
                        + " nodes AS (DELETE FROM executor.workflow_node_results n USING old WHERE n.run_id = old.run_id"
                        + "   RETURNING 1),"
                        + " states AS (DELETE FROM executor.run_states s USING old WHERE s.run_id = old.run_id RETURNING 1)"
                        + " SELECT (SELECT count(*) FROM states) AS states, (SELECT count(*) FROM nodes) AS nodes")
                .execute(Tuple.of(batch))
                .map(rows -> {
                    Row row = rows.iterator().next();
                    return new Pruned(row.getLong("states").intValue(), row.getLong("nodes").intValue());
                });
    }

    /** @param nodeResults workflow node results of those runs */
    public record Pruned(int runStates, int nodeResults) {
    }
}
