package dev.promptjuggler.gateway.persistence;

import dev.promptjuggler.contracts.RunKind;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * Requests to stop runs ({@code gateway.run_cancellations}). The gateway only records them: the run's state is
 * run-executor's, which reads the request when it claims the run and hears of it on {@code runs.cancel}.
 */
@ApplicationScoped
public class RunCancellationRepository {

    private final Pool pool;

    public RunCancellationRepository(Pool pool) {
        this.pool = pool;
    }

    /**
     * Records a request to stop the tenant's run, if it is still pending; a run asked before keeps its first request.
     *
     * @return the run as it stands, with when its stop was requested (null when it had ended: nothing was
     *         recorded); empty when the tenant has no such run
     */
    public Uni<Optional<CancelledRun>> request(UUID tenantId, UUID runId) {
        return pool.preparedQuery("WITH run AS (SELECT id, tenant_id, kind, status FROM gateway.runs_with_state"
                        + "   WHERE tenant_id = $1 AND id = $2),"
                        + " stored AS (INSERT INTO gateway.run_cancellations (run_id, tenant_id)"
                        + "   SELECT id, tenant_id FROM run WHERE status = 'pending'"
                        + "   ON CONFLICT (run_id) DO NOTHING RETURNING requested_at)"
                        // The statement's snapshot does not show its own insert: a first request comes from stored.
                        + " SELECT r.id, r.kind, r.status, CASE WHEN r.status = 'pending'"
                        + "   THEN coalesce((SELECT requested_at FROM stored), c.requested_at) END AS requested_at"
                        + " FROM run r LEFT JOIN gateway.run_cancellations c ON c.run_id = r.id")
                .execute(Tuple.of(tenantId, runId))
                .map(rows -> TenantRepository.first(rows).map(row -> new CancelledRun(row.getUUID("id"),
                        RunKind.valueOf(row.getString("kind").toUpperCase(Locale.ROOT)), row.getString("status"),
                        row.getOffsetDateTime("requested_at"))));
    }

    /** @param requestedAt when the stop was requested; null when the run had ended before */
    public record CancelledRun(UUID id, RunKind kind, String status, OffsetDateTime requestedAt) {
    }
}
