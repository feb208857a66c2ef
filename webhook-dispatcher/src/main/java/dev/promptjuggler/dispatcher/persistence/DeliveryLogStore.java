package dev.promptjuggler.dispatcher.persistence;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The delivery log and the operator's controls over it (replay, test event, re-enable). Every query is
 * scoped to a tenant: another tenant's endpoint, event or delivery is simply not found.
 */
@ApplicationScoped
public class DeliveryLogStore {

    private static final String DELIVERY_COLUMNS = "d.id, d.event_id, e.type, d.endpoint_id, d.status, d.attempts,"
            + " d.next_attempt_at, d.created_at, d.delivered_at, d.last_attempt_at, d.last_status_code, d.last_error,"
            + " d.last_error_class";

    private final Pool pool;

    public DeliveryLogStore(Pool pool) {
        this.pool = pool;
    }

    public Uni<Boolean> endpointExists(UUID tenantId, UUID endpointId) {
        return pool.preparedQuery("SELECT 1 FROM gateway.webhook_endpoints WHERE id = $1 AND tenant_id = $2")
                .execute(Tuple.of(endpointId, tenantId))
                .map(rows -> rows.size() > 0);
    }

    /** Newest first; {@code before} pages on by creation time. */
    public Uni<List<Delivery>> forEndpoint(UUID tenantId, UUID endpointId, String status, OffsetDateTime before, int limit) {
        return pool.withConnection(connection -> connection
                .preparedQuery("SELECT " + DELIVERY_COLUMNS + " FROM dispatch.deliveries d"
                        + " JOIN dispatch.events e ON e.id = d.event_id"
                        + " WHERE d.tenant_id = $1 AND d.endpoint_id = $2 AND ($3::text IS NULL OR d.status = $3)"
                        + " AND ($4::timestamptz IS NULL OR d.created_at < $4)"
                        + " ORDER BY d.created_at DESC, d.id LIMIT $5")
                .execute(Tuple.from(Arrays.asList(tenantId, endpointId, status, before, limit)))
                .chain(rows -> withAttempts(connection, rows)));
    }

    public Uni<List<Delivery>> forEvent(UUID tenantId, UUID eventId) {
        return pool.withConnection(connection -> connection
                .preparedQuery("SELECT " + DELIVERY_COLUMNS + " FROM dispatch.deliveries d"
                        + " JOIN dispatch.events e ON e.id = d.event_id"
                        + " WHERE d.tenant_id = $1 AND d.event_id = $2 ORDER BY d.created_at, d.id")
                .execute(Tuple.of(tenantId, eventId))
                .chain(rows -> withAttempts(connection, rows)));
    }

    public Uni<Optional<Delivery>> one(UUID tenantId, UUID endpointId, UUID deliveryId) {
        return pool.withConnection(connection -> connection
                .preparedQuery("SELECT " + DELIVERY_COLUMNS + " FROM dispatch.deliveries d"
                        + " JOIN dispatch.events e ON e.id = d.event_id"
                        + " WHERE d.tenant_id = $1 AND d.endpoint_id = $2 AND d.id = $3")
                .execute(Tuple.of(tenantId, endpointId, deliveryId))
                .chain(rows -> withAttempts(connection, rows))
                .map(found -> found.stream().findFirst()));
    }

    private static Uni<List<Delivery>> withAttempts(SqlConnection connection, RowSet<Row> rows) {
        Map<UUID, Row> byId = new LinkedHashMap<>();
        rows.forEach(row -> byId.put(row.getUUID("id"), row));
        if (byId.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return connection.preparedQuery("SELECT delivery_id, attempt, attempted_at, status_code, latency_ms, error_class,"
                        + " error, response_excerpt FROM dispatch.delivery_attempts WHERE delivery_id = ANY ($1)"
                        + " ORDER BY delivery_id, attempt, id")
                .execute(Tuple.of(byId.keySet().toArray(UUID[]::new)))
                .map(attemptRows -> {
                    Map<UUID, List<Attempt>> attempts = new LinkedHashMap<>();
                    for (Row row : attemptRows) {
                        attempts.computeIfAbsent(row.getUUID("delivery_id"), id -> new ArrayList<>())
                                .add(new Attempt(row.getInteger("attempt"), row.getOffsetDateTime("attempted_at"),
                                        row.getInteger("status_code"), row.getInteger("latency_ms"),
                                        row.getString("error_class"), row.getString("error"),
                                        row.getString("response_excerpt")));
                    }
                    List<Delivery> deliveries = new ArrayList<>();
                    byId.forEach((id, row) -> deliveries.add(new Delivery(id, row.getUUID("event_id"), row.getString("type"),
                            row.getUUID("endpoint_id"), row.getString("status"), row.getInteger("attempts"),
                            "pending".equals(row.getString("status")) ? row.getOffsetDateTime("next_attempt_at") : null,
                            row.getOffsetDateTime("created_at"), row.getOffsetDateTime("delivered_at"),
                            row.getOffsetDateTime("last_attempt_at"), row.getInteger("last_status_code"),
                            row.getString("last_error_class"), row.getString("last_error"),
                            attempts.getOrDefault(id, List.of()))));
                    return deliveries;
                });
    }

    /**
     * Queues a delivery again with a fresh retry schedule; its event id stays, its attempt numbers go on.
     *
     * @return false when there is no such delivery, or it is being attempted right now
     */
    public Uni<Boolean> replay(UUID tenantId, UUID endpointId, UUID deliveryId) {
        return pool.preparedQuery("UPDATE dispatch.deliveries SET status = 'pending', next_attempt_at = now(),"
                        + " schedule_offset = attempts, leased_until = NULL, claims = 0"
                        + " WHERE tenant_id = $1 AND endpoint_id = $2 AND id = $3 AND status <> 'sending'")
                .execute(Tuple.of(tenantId, endpointId, deliveryId))
                .map(rows -> rows.rowCount() == 1);
    }

    /** Queues again every failed or missed delivery to the endpoint created in [from, to). */
    public Uni<Integer> replayFailed(UUID tenantId, UUID endpointId, OffsetDateTime from, OffsetDateTime to) {
        return pool.preparedQuery("UPDATE dispatch.deliveries SET status = 'pending', next_attempt_at = now(),"
                        + " schedule_offset = attempts, leased_until = NULL, claims = 0"
                        + " WHERE tenant_id = $1 AND endpoint_id = $2 AND status IN ('failed', 'missed')"
                        + " AND created_at >= $3 AND created_at < $4")
                .execute(Tuple.of(tenantId, endpointId, from, to))
                .map(RowSet::rowCount);
    }

    /** Stores a test event addressed to this one endpoint, whatever its event filter, and queues it. */
    public Uni<UUID> ping(UUID tenantId, UUID endpointId, UUID eventId, String type, String payload) {
        UUID deliveryId = UUID.randomUUID();
        return pool.withTransaction(connection -> connection
                .preparedQuery("INSERT INTO dispatch.events (id, tenant_id, type, payload) VALUES ($1, $2, $3, $4)")
                .execute(Tuple.of(eventId, tenantId, type, payload))
                .chain(() -> connection.preparedQuery("INSERT INTO dispatch.deliveries (id, event_id, endpoint_id, tenant_id)"
                                + " VALUES ($1, $2, $3, $4)")
                        .execute(Tuple.of(deliveryId, eventId, endpointId, tenantId)))
                .replaceWith(deliveryId));
    }

    public Uni<Health> health(UUID tenantId, UUID endpointId) {
        return pool.preparedQuery("SELECT w.enabled, h.circuit, h.consecutive_failures, h.opened_at, h.next_probe_at,"
                        + " h.paused_until, h.disabled_at, h.disabled_reason, h.last_success_at, h.last_failure_at,"
                        + " (SELECT count(*) FROM dispatch.deliveries d WHERE d.endpoint_id = w.id AND d.status IN ('pending', 'sending')) AS waiting,"
                        + " (SELECT count(*) FROM dispatch.deliveries d WHERE d.endpoint_id = w.id AND d.status = 'failed') AS failed,"
                        + " (SELECT count(*) FROM dispatch.deliveries d WHERE d.endpoint_id = w.id AND d.status = 'missed') AS missed"
                        + " FROM gateway.webhook_endpoints w LEFT JOIN dispatch.endpoint_health h ON h.endpoint_id = w.id"
                        + " WHERE w.id = $1 AND w.tenant_id = $2")
                .execute(Tuple.of(endpointId, tenantId))
                .map(rows -> {
                    Row row = rows.iterator().next();
                    boolean disabled = row.getOffsetDateTime("disabled_at") != null;
                    OffsetDateTime pausedUntil = row.getOffsetDateTime("paused_until");
                    boolean paused = pausedUntil != null && pausedUntil.isAfter(OffsetDateTime.now());
                    String state = !row.getBoolean("enabled") ? "switched_off" : disabled ? "disabled"
                            : "open".equals(row.getString("circuit")) ? "circuit_open" : paused ? "paused" : "healthy";
                    Integer failures = row.getInteger("consecutive_failures");
                    return new Health(endpointId, state, row.getBoolean("enabled") && !disabled,
                            failures == null ? 0 : failures, row.getOffsetDateTime("opened_at"),
                            row.getOffsetDateTime("next_probe_at"), paused ? pausedUntil : null,
                            row.getOffsetDateTime("disabled_at"), row.getString("disabled_reason"),
                            row.getOffsetDateTime("last_success_at"), row.getOffsetDateTime("last_failure_at"),
                            row.getLong("waiting"), row.getLong("failed"), row.getLong("missed"));
                });
    }

    /**
     * Lifts the dispatcher's disabling of an endpoint and closes its circuit.
     *
     * @param redeliverMissed also queue again what the endpoint missed while disabled
     * @return how many deliveries it missed, and how many of them were queued again
     */
    public Uni<Reenabled> reenable(UUID tenantId, UUID endpointId, boolean redeliverMissed) {
        return pool.withTransaction(connection -> connection
                .preparedQuery("INSERT INTO dispatch.endpoint_health AS h (endpoint_id, tenant_id) VALUES ($1, $2)"
                        + " ON CONFLICT (endpoint_id) DO UPDATE SET circuit = 'closed', consecutive_failures = 0,"
                        + " opened_at = NULL, next_probe_at = NULL, probe_interval_ms = NULL, paused_until = NULL,"
                        + " disabled_at = NULL, disabled_reason = NULL, updated_at = now()")
                .execute(Tuple.of(endpointId, tenantId))
                .chain(() -> connection.preparedQuery("SELECT count(*) AS missed, min(created_at) AS since"
                                + " FROM dispatch.deliveries WHERE endpoint_id = $1 AND tenant_id = $2 AND status = 'missed'")
                        .execute(Tuple.of(endpointId, tenantId)))
                .chain(counted -> {
                    Row row = counted.iterator().next();
                    long missed = row.getLong("missed");
                    OffsetDateTime since = row.getOffsetDateTime("since");
                    if (!redeliverMissed || missed == 0) {
                        return Uni.createFrom().item(new Reenabled(missed, since, 0));
                    }
                    return connection.preparedQuery("UPDATE dispatch.deliveries SET status = 'pending', next_attempt_at = now(),"
                                    + " schedule_offset = attempts, claims = 0 WHERE endpoint_id = $1 AND tenant_id = $2 AND status = 'missed'")
                            .execute(Tuple.of(endpointId, tenantId))
                            .map(updated -> new Reenabled(missed, since, updated.rowCount()));
                }));
    }

    public record Delivery(UUID id, UUID eventId, String event, UUID endpointId, String status, int attempts,
            OffsetDateTime nextAttemptAt, OffsetDateTime createdAt, OffsetDateTime deliveredAt,
            OffsetDateTime lastAttemptAt, Integer lastStatusCode, String lastErrorClass, String lastError,
            List<Attempt> attemptLog) {
    }

    /** One attempt as the delivery log shows it; {@code statusCode} is null when no response arrived. */
    public record Attempt(int attempt, OffsetDateTime at, Integer statusCode, int latencyMs, String errorClass,
            String error, String responseExcerpt) {
    }

    /**
     * @param state   {@code healthy}, {@code paused} (Retry-After), {@code circuit_open} (deliveries parked,
     *                probing), {@code disabled} (by the dispatcher: 410 or sustained failure) or
     *                {@code switched_off} (by its owner)
     * @param waiting deliveries still to be attempted
     */
    public record Health(UUID endpointId, String state, boolean receiving, int consecutiveFailures,
            OffsetDateTime circuitOpenedAt, OffsetDateTime nextProbeAt, OffsetDateTime pausedUntil,
            OffsetDateTime disabledAt, String disabledReason, OffsetDateTime lastSuccessAt, OffsetDateTime lastFailureAt,
            long waiting, long failed, long missed) {
    }

    /** @param missedSince when the oldest missed delivery was created; null when none was missed */
    public record Reenabled(long missed, OffsetDateTime missedSince, int redelivered) {
    }
}
