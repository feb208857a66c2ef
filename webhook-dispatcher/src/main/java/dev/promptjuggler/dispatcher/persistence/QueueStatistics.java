package dev.promptjuggler.dispatcher.persistence;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashMap;
import java.util.Map;

/**
 * Counts for the dispatcher's gauges, read from the shared tables (so every replica reports the platform's
 * figures, not its own): deliveries still to go out by status, and endpoints whose circuit is open or that are
 * disabled. Only waiting statuses are counted, which the queue's partial indexes serve; the history is not.
 */
@ApplicationScoped
public class QueueStatistics {

    private final Pool pool;

    public QueueStatistics(Pool pool) {
        this.pool = pool;
    }

    /** Deliveries {@code pending} (due or waiting for a retry), {@code sending} (leased) and {@code missed}. */
    public Uni<Map<String, Long>> deliveriesByStatus() {
        return pool.query("SELECT status, count(*) AS n FROM dispatch.deliveries"
                        + " WHERE status IN ('pending', 'sending', 'missed') GROUP BY status")
                .execute()
                .map(rows -> {
                    Map<String, Long> counts = new HashMap<>();
                    for (Row row : rows) {
                        counts.put(row.getString("status"), row.getLong("n"));
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
