package dev.promptjuggler.dispatcher.persistence;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;

/** Retention: what the queue and the delivery log no longer need goes, in bounded batches. */
@ApplicationScoped
public class RetentionStore {

    /* For failOrphans: the endpoints found gone go in as an array, so their deliveries are looked up, not joined. */
    static final String FAIL_ORPHANS = """
            WITH waiting AS (
                SELECT endpoint_id FROM dispatch.deliveries WHERE status = 'pending'
                UNION
                SELECT endpoint_id FROM dispatch.deliveries WHERE status = 'missed'
            )
            UPDATE dispatch.deliveries d SET status = 'failed', leased_until = NULL,
                last_error = 'endpoint deleted', last_error_class = 'endpoint_deleted'
            WHERE d.endpoint_id = ANY (ARRAY(SELECT w.endpoint_id FROM waiting w
                                             WHERE NOT EXISTS (SELECT 1 FROM gateway.webhook_endpoints e
                                                               WHERE e.id = w.endpoint_id)))
              AND (d.status = 'pending' OR d.status = 'missed')
            """;

    private final Pool pool;

    public RetentionStore(Pool pool) {
        this.pool = pool;
    }

    /**
     * Gives up on deliveries whose endpoint was deleted: nobody can receive or re-enable them any more. The endpoints
     * with waiting deliveries are read from the partial indexes of pending and missed deliveries, so the pass grows
     * with the queue, not with the history kept.
     */
    public Uni<Integer> failOrphans() {
        return pool.preparedQuery(FAIL_ORPHANS).execute().map(RowSet::rowCount);
    }

    /**
     * Deletes finished delivery history older than {@code retention}, a bounded batch per call so no
     * transaction grows large; events go once no delivery refers to them.
     *
     * @return how many deliveries were deleted
     */
    public Uni<Integer> prune(Duration retention, int batch) {
        Tuple cutoff = Tuple.of(retention.toMillis(), batch);
        return pool.withTransaction(connection -> connection
                .preparedQuery("WITH old AS (SELECT id FROM dispatch.deliveries"
                        + " WHERE created_at < now() - $1 * interval '1 millisecond'"
                        + " AND status IN ('delivered', 'failed', 'missed') LIMIT $2),"
                        + " attempts AS (DELETE FROM dispatch.delivery_attempts a USING old WHERE a.delivery_id = old.id)"
                        + " DELETE FROM dispatch.deliveries d USING old WHERE d.id = old.id")
                .execute(cutoff)
                .chain(deleted -> connection
                        .preparedQuery("DELETE FROM dispatch.events e WHERE e.id IN (SELECT id FROM dispatch.events"
                                + " WHERE received_at < now() - $1 * interval '1 millisecond' LIMIT $2)"
                                + " AND NOT EXISTS (SELECT 1 FROM dispatch.deliveries d WHERE d.event_id = e.id)")
                        .execute(cutoff)
                        .replaceWith(deleted.rowCount())));
    }
}
