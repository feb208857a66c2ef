package dev.promptjuggler.gateway.persistence;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Retention of the gateway's own rows, one small batch per call: each batch takes its rows with
 * {@code FOR UPDATE SKIP LOCKED} (a row a request holds is left for a later round, nobody waits for the pruner)
 * and commits at once. A pruned run's state and node results go in the same statement, by run-executor's
 * {@code executor.forget_runs} (migration {@code executor/V19_21}); run-executor prunes its memory itself.
 */
@ApplicationScoped
public class RetentionRepository {

    private static final String OLDER = "created_at < now() - make_interval(days => $2)";

    private final Pool pool;

    public RetentionRepository(Pool pool) {
        this.pool = pool;
    }

    /** Tenants that keep their data for a limited time. */
    public Uni<List<TenantRetention>> tenants() {
        return pool.query("SELECT id, retention_days FROM gateway.tenants WHERE retention_days IS NOT NULL")
                .execute()
                .map(rows -> {
                    List<TenantRetention> tenants = new ArrayList<>();
                    for (Row row : rows) {
                        tenants.add(new TenantRetention(row.getUUID("id"), row.getInteger("retention_days")));
                    }
                    return tenants;
                });
    }

    /**
     * Deletes up to {@code batch} of the tenant's runs created more than {@code days} ago, with their outbox row,
     * envVars, and run-executor's state and node results of them; their idempotency keys (dead after 24 hours) go
     * with the tenant's other old keys.
     *
     * @return how many runs were deleted
     */
    public Uni<Integer> pruneRuns(UUID tenantId, int days, int batch) {
        return pool.preparedQuery("WITH old AS (SELECT id FROM gateway.runs WHERE tenant_id = $1 AND " + OLDER
                        + "   ORDER BY created_at LIMIT $3 FOR UPDATE SKIP LOCKED),"
                        + " outbox AS (DELETE FROM gateway.run_outbox o USING old WHERE o.run_id = old.id),"
                        + " variables AS (DELETE FROM gateway.run_env_vars v USING old WHERE v.run_id = old.id),"
                        + " keys AS (DELETE FROM gateway.idempotency_keys WHERE tenant_id = $1 AND " + OLDER + "),"
                        + " pruned AS (DELETE FROM gateway.runs r USING old WHERE r.id = old.id RETURNING r.id)"
                        + " SELECT count(*)::int AS runs, executor.forget_runs(array_agg(id)) FROM pruned")
                .execute(Tuple.of(tenantId, days, batch))
                .map(rows -> rows.iterator().next().getInteger("runs"));
    }

    /**
     * Deletes up to {@code batch} of the tenant's threads created more than {@code days} ago that have no run left
     * and no memory left (run-executor prunes that first), erased ones included.
     */
    public Uni<Integer> pruneThreads(UUID tenantId, int days, int batch) {
        return pool.preparedQuery("DELETE FROM gateway.threads t WHERE t.id IN (SELECT id FROM gateway.threads x"
                        + "   WHERE x.tenant_id = $1 AND x." + OLDER
                        + "   AND NOT EXISTS (SELECT 1 FROM gateway.runs r WHERE r.thread_id = x.id)"
                        + "   AND NOT EXISTS (SELECT 1 FROM executor.thread_messages m WHERE m.thread_id = x.id)"
                        + "   ORDER BY x.created_at LIMIT $3 FOR UPDATE SKIP LOCKED)")
                .execute(Tuple.of(tenantId, days, batch))
                .map(RowSet::rowCount);
    }

    /**
     * Drops the bytes of up to {@code batch} of the tenant's documents uploaded more than {@code days} ago whose
     * processing ended (ready or failed): their chunks stay searchable, and nothing reads the bytes again. A
     * document still in work keeps them until it ends.
     */
    public Uni<Integer> pruneDocumentBytes(UUID tenantId, int days, int batch) {
        return pool.preparedQuery("UPDATE gateway.knowledge_documents d SET content = NULL WHERE d.id IN ("
                        + "   SELECT x.id FROM gateway.knowledge_documents x JOIN knowledge.documents s ON s.id = x.id"
                        + "   WHERE x.tenant_id = $1 AND x." + OLDER + " AND x.content IS NOT NULL"
                        + "   AND s.status IN ('ready', 'failed')"
                        + "   ORDER BY x.created_at LIMIT $3 FOR UPDATE OF x SKIP LOCKED)")
                .execute(Tuple.of(tenantId, days, batch))
                .map(RowSet::rowCount);
    }

    public record TenantRetention(UUID tenantId, int days) {
    }
}
