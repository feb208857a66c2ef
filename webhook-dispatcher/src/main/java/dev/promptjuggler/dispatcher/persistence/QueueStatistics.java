package dev.promptjuggler.dispatcher.persistence;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Counts for the dispatcher's gauges, read from the shared tables (so every replica reports the platform's
 * figures, not its own): deliveries still to go out by status, and endpoints whose circuit is open or that are
 * disabled. Only waiting statuses are counted, which the queue's partial indexes serve; the history is not.
 */
@ApplicationScoped
public class QueueStatistics {

    /** The statuses of deliveries still to go out, each counted by {@link #DELIVERIES_BY_STATUS}. */
    public static final List<String> QUEUED = List.of("pending", "sending", "missed");

    static final String DELIVERIES_BY_STATUS = "SELECT"
            + " (SELECT count(*) FROM dispatch.deliveries WHERE status = 'pending') AS pending,"
            + " (SELECT count(*) FROM dispatch.deliveries WHERE status = 'sending') AS sending,"
            + " (SELECT count(*) FROM dispatch.deliveries WHERE status = 'missed') AS missed";

    private final Pool pool;

    public QueueStatistics(Pool pool) {
        this.pool = pool;
    }

    /**
     * Deliveries {@code pending} (due or waiting for a retry), {@code sending} (leased) and {@code missed}: one count
     * per status, each matching a partial index's predicate (deliveries_due, deliveries_sending, deliveries_missed), so
     * the read grows with the queue, not with the history kept. One grouped count over the three statuses was a
     * scan of every delivery kept, every 15 s on every replica.
     */
    public Uni<Map<String, Long>> deliveriesByStatus() {
        return pool.query(DELIVERIES_BY_STATUS)
                .execute()
                .map(rows -> {
                    Row row = rows.iterator().next();
                    Map<String, Long> counts = new HashMap<>();
                    for (String status : QUEUED) {
                        counts.put(status, row.getLong(status));
                    }
                    return counts;
                });
    }

    /** Endpoints by circuit state: {@code open} (failing, probed) and {@code disabled} (after disable-after open). */
    public Uni<Map<String, Long>> endpointsByState() {
        return pool.query("SELECT CASE WHEN disabled_at IS NOT NULL THEN 'disabled' ELSE circuit END AS state,"
                        + " count(*) AS n FROM dispatch.endpoint_health"
                        + " WHERE disabled_at IS NOT NULL OR circuit = 'open' GROUP BY 1")
                .execute()
                .map(rows -> {
                    Map<String, Long> counts = new HashMap<>();
                    for (Row row : rows) {
                        counts.put(row.getString("state"), row.getLong("n"));
                    }
                    return counts;
                });
    }
}
