package dev.promptjuggler.dispatcher.persistence;

import dev.promptjuggler.dispatcher.delivery.ClaimedDelivery;
import dev.promptjuggler.dispatcher.delivery.EndpointHealth;
import dev.promptjuggler.runtime.persistence.KeptPlans.Statement;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Endpoint health ({@code dispatch.endpoint_health}): records what attempts tell about an endpoint, inside
 * the transaction that records the attempts themselves. It decides nothing: a success always closes the
 * circuit, and after a failure it writes what the {@link dev.promptjuggler.dispatcher.delivery.FailurePolicy}
 * decided.
 */
@ApplicationScoped
public class EndpointHealthStore {

    /* Rows sorted by endpoint, so concurrent writers lock them in one order; a healthy row is rewritten at most once a second. */
    private static final String RECORD_HEALTHY = """
            INSERT INTO dispatch.endpoint_health AS h (endpoint_id, tenant_id, last_success_at)
            SELECT e, t, now() FROM unnest($1::uuid[], $2::uuid[]) AS x(e, t) ORDER BY e
            ON CONFLICT (endpoint_id) DO UPDATE SET
                circuit = 'closed', consecutive_failures = 0, opened_at = NULL, next_probe_at = NULL,
                probe_interval_ms = NULL, last_success_at = now(), updated_at = now()
            WHERE h.circuit <> 'closed' OR h.consecutive_failures <> 0 OR h.last_success_at IS NULL
                OR h.last_success_at < now() - interval '1 second'
            """;

    /*
     * The row is created if need be and locked either way (the no-op update takes the lock), so the failures
     * of one endpoint are decided one after another, each from what the one before recorded.
     */
    private static final String LOCK = """
            INSERT INTO dispatch.endpoint_health AS h (endpoint_id, tenant_id) VALUES ($1, $2)
            ON CONFLICT (endpoint_id) DO UPDATE SET updated_at = h.updated_at
            RETURNING h.circuit = 'open' AS circuit_open, h.consecutive_failures, h.opened_at, h.next_probe_at,
                      h.probe_interval_ms, h.paused_until, h.disabled_at, h.disabled_reason, now() AS now
            """;

    private static final String RECORD_FAILURE = """
            UPDATE dispatch.endpoint_health SET consecutive_failures = $2, last_failure_at = now(), circuit = $3,
                opened_at = $4, next_probe_at = $5, probe_interval_ms = $6, paused_until = $7, disabled_at = $8,
                disabled_reason = $9, updated_at = now()
            WHERE endpoint_id = $1
            """;

    /**
     * The statement that ends the failure streak of every endpoint that took one of {@code delivered}, closing open
     * circuits; run beside the statement that records the deliveries.
     */
    Statement healthy(Collection<ClaimedDelivery> delivered) {
        List<ClaimedDelivery> byEndpoint = List.copyOf(delivered.stream()
                .collect(Collectors.toMap(ClaimedDelivery::endpointId, d -> d, (a, b) -> a, TreeMap::new))
                .values());
        return new Statement(RECORD_HEALTHY,
                Tuple.of(byEndpoint.stream().map(ClaimedDelivery::endpointId).toArray(UUID[]::new),
                        byEndpoint.stream().map(ClaimedDelivery::tenantId).toArray(UUID[]::new)));
    }

    /** The endpoint's health, locked until the transaction ends, with the database's time. */
    Uni<Locked> lock(SqlConnection connection, UUID endpointId, UUID tenantId) {
        return connection.preparedQuery(LOCK).execute(Tuple.of(endpointId, tenantId)).map(rows -> {
            Row row = rows.iterator().next();
            Long probeMs = row.getLong("probe_interval_ms");
            return new Locked(new EndpointHealth(row.getBoolean("circuit_open"), row.getInteger("consecutive_failures"),
                    row.getOffsetDateTime("opened_at"), row.getOffsetDateTime("next_probe_at"),
                    probeMs == null ? null : Duration.ofMillis(probeMs), row.getOffsetDateTime("paused_until"),
                    row.getOffsetDateTime("disabled_at"), row.getString("disabled_reason")),
                    row.getOffsetDateTime("now"));
        });
    }

    /** Records the health a failed attempt left the endpoint in; the row is locked by {@link #lock}. */
    Uni<Void> recordFailure(SqlConnection connection, UUID endpointId, EndpointHealth health) {
        return connection.preparedQuery(RECORD_FAILURE)
                .execute(Tuple.from(Arrays.asList(endpointId, health.consecutiveFailures(),
                        health.circuitOpen() ? "open" : "closed", health.openedAt(), health.nextProbeAt(),
                        health.probeInterval() == null ? null : health.probeInterval().toMillis(), health.pausedUntil(),
                        health.disabledAt(), health.disabledReason())))
                .replaceWithVoid();
    }

    /** @param now the database's time in the locking transaction */
    record Locked(EndpointHealth health, OffsetDateTime now) {
    }
}
