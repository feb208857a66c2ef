package dev.promptjuggler.dispatcher.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.promptjuggler.dispatcher.support.Platform;
import dev.promptjuggler.dispatcher.support.Platform.Endpoint;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The reads that run whatever the load — the queue gauge every 15 s, the hourly pass over deliveries whose endpoint
 * was deleted — count what is waiting and nothing else: their plans reach deliveries through the queue's partial
 * indexes only, never through the delivery history, which grows with every run kept.
 */
@QuarkusTest
class QueueReadsTest {

    @Inject
    QueueStatistics statistics;

    @Inject
    RetentionStore retention;

    @Test
    void theQueueGaugeCountsEachStatusThroughItsPartialIndex() throws SQLException {
        String plan = plan(QueueStatistics.DELIVERIES_BY_STATUS);

        assertFalse(plan.contains("Seq Scan on deliveries"), plan);
        for (String index : List.of("deliveries_due", "deliveries_sending", "deliveries_missed")) {
            assertTrue(plan.contains(index), index + " unused:\n" + plan);
        }
    }

    @Test
    void theOrphanPassFindsWaitingEndpointsThroughThePartialIndexes() throws SQLException {
        String plan = plan(RetentionStore.FAIL_ORPHANS);

        assertFalse(plan.contains("Seq Scan on deliveries"), plan);
        assertTrue(plan.contains("deliveries_due") && plan.contains("deliveries_missed"), plan);
    }

    @Test
    void theGaugeCountsMissedDeliveries() {
        UUID tenant = Platform.tenant();
        Endpoint endpoint = Platform.endpoint(tenant, "http://127.0.0.1:9/unused");
        long before = statistics.deliveriesByStatus().await().indefinitely().get("missed");

        delivery(event(tenant), endpoint.id(), tenant, "missed");
        delivery(event(tenant), endpoint.id(), tenant, "missed");

        Map<String, Long> counts = statistics.deliveriesByStatus().await().indefinitely();
        assertEquals(before + 2, counts.get("missed"));
        assertEquals(Set.copyOf(QueueStatistics.QUEUED), counts.keySet());
    }

    @Test
    void deliveriesWaitingForADeletedEndpointFailAndOthersWait() {
        UUID tenant = Platform.tenant();
        Endpoint deleted = Platform.endpoint(tenant, "http://127.0.0.1:9/deleted");
        Endpoint kept = Platform.endpoint(tenant, "http://127.0.0.1:9/kept");
        UUID event = event(tenant);
        UUID deletedPending = delivery(event, deleted.id(), tenant, "pending");
        UUID deletedMissed = delivery(event(tenant), deleted.id(), tenant, "missed");
        UUID keptPending = delivery(event, kept.id(), tenant, "pending");
        UUID keptMissed = delivery(event(tenant), kept.id(), tenant, "missed");
        Platform.update("DELETE FROM gateway.webhook_endpoints WHERE id = ?", deleted.id());

        int failed = retention.failOrphans().await().indefinitely();

        assertTrue(failed >= 2, "failed " + failed);
        for (UUID orphan : List.of(deletedPending, deletedMissed)) {
            assertEquals(List.of("failed endpoint_deleted"), Platform.column(
                    "SELECT status || ' ' || last_error_class FROM dispatch.deliveries WHERE id = ?", orphan));
        }
        assertEquals(List.of("pending"), Platform.column("SELECT status FROM dispatch.deliveries WHERE id = ?", keptPending));
        assertEquals(List.of("missed"), Platform.column("SELECT status FROM dispatch.deliveries WHERE id = ?", keptMissed));
    }

    /** The plan PostgreSQL makes for {@code sql} when any index path at all beats a sequential scan. */
    private static String plan(String sql) throws SQLException {
        try (Connection connection = Platform.database(); Statement statement = connection.createStatement()) {
            statement.execute("SET enable_seqscan = off");
            StringBuilder plan = new StringBuilder();
            try (ResultSet rows = statement.executeQuery("EXPLAIN " + sql)) {
                while (rows.next()) {
                    plan.append(rows.getString(1)).append('\n');
                }
            }
            return plan.toString();
        }
    }

    private static UUID event(UUID tenant) {
        UUID id = UUID.randomUUID();
        Platform.update("INSERT INTO dispatch.events (id, tenant_id, type, payload) VALUES (?, ?, 'promptrun.finished', '{}')",
                id, tenant);
        return id;
    }

    /** A delivery in {@code status}; a pending one is due in an hour, so no dispatcher takes it meanwhile. */
    private static UUID delivery(UUID event, UUID endpoint, UUID tenant, String status) {
        UUID id = UUID.randomUUID();
        Platform.update("INSERT INTO dispatch.deliveries (id, event_id, endpoint_id, tenant_id, status, next_attempt_at)"
                + " VALUES (?, ?, ?, ?, ?, now() + interval '1 hour')", id, event, endpoint, tenant, status);
        return id;
    }
}
