package dev.promptjuggler.gateway.persistence;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The webhook deliveries of one event, read from webhook-dispatcher's tables ({@code dispatch.deliveries}, its
 * {@code delivery_attempts} and {@code events}), which only the dispatcher writes. A run's detail shows them beside
 * the run, and reading them here keeps the run readable while the dispatcher is down. The shape is the
 * dispatcher's delivery log's ({@code GET /manage/v1/webhook-events/{eventId}/deliveries}).
 */
@ApplicationScoped
public class EventDeliveryRepository {

    private final Pool pool;

    public EventDeliveryRepository(Pool pool) {
        this.pool = pool;
    }

    /** Oldest first, each with its attempts in order; empty when the event went to no endpoint (yet). */
    public Uni<List<DeliveryRow>> forEvent(UUID tenantId, UUID eventId) {
        return pool.withConnection(connection -> connection
                .preparedQuery("SELECT d.id, d.event_id, e.type, d.endpoint_id, d.status, d.attempts,"
                        + " d.next_attempt_at, d.created_at, d.delivered_at, d.last_attempt_at, d.last_status_code,"
                        + " d.last_error, d.last_error_class"
                        + " FROM dispatch.deliveries d JOIN dispatch.events e ON e.id = d.event_id"
                        + " WHERE d.tenant_id = $1 AND d.event_id = $2 ORDER BY d.created_at, d.id")
                .execute(Tuple.of(tenantId, eventId))
                .chain(deliveries -> {
                    Map<UUID, Row> byId = new LinkedHashMap<>();
                    deliveries.forEach(row -> byId.put(row.getUUID("id"), row));
                    if (byId.isEmpty()) {
                        return Uni.createFrom().item(List.<DeliveryRow>of());
                    }
                    return connection.preparedQuery("SELECT delivery_id, attempt, attempted_at, status_code,"
                                    + " latency_ms, error_class, error, response_excerpt"
                                    + " FROM dispatch.delivery_attempts"
                                    + " WHERE delivery_id = ANY ($1) ORDER BY delivery_id, attempt, id")
                            .execute(Tuple.of(byId.keySet().toArray(UUID[]::new)))
                            .map(attemptRows -> deliveries(byId, attemptRows));
                }));
    }

    private static List<DeliveryRow> deliveries(Map<UUID, Row> byId, Iterable<Row> attemptRows) {
        Map<UUID, List<AttemptRow>> attempts = new LinkedHashMap<>();
        for (Row row : attemptRows) {
            attempts.computeIfAbsent(row.getUUID("delivery_id"), id -> new ArrayList<>())
                    .add(new AttemptRow(row.getInteger("attempt"), row.getOffsetDateTime("attempted_at"),
                            row.getInteger("status_code"), row.getInteger("latency_ms"), row.getString("error_class"),
                            row.getString("error"), row.getString("response_excerpt")));
        }
        List<DeliveryRow> deliveries = new ArrayList<>(byId.size());
        byId.forEach((id, row) -> deliveries.add(new DeliveryRow(id, row.getUUID("event_id"), row.getString("type"),
                row.getUUID("endpoint_id"), row.getString("status"), row.getInteger("attempts"),
                // As the dispatcher's log shows it: only a delivery still waiting has a next attempt.
                "pending".equals(row.getString("status")) ? row.getOffsetDateTime("next_attempt_at") : null,
                row.getOffsetDateTime("created_at"), row.getOffsetDateTime("delivered_at"),
                row.getOffsetDateTime("last_attempt_at"), row.getInteger("last_status_code"),
                row.getString("last_error_class"), row.getString("last_error"), attempts.getOrDefault(id, List.of()))));
        return deliveries;
    }

    public record DeliveryRow(UUID id, UUID eventId, String event, UUID endpointId, String status, int attempts,
            OffsetDateTime nextAttemptAt, OffsetDateTime createdAt, OffsetDateTime deliveredAt,
            OffsetDateTime lastAttemptAt, Integer lastStatusCode, String lastErrorClass, String lastError,
            List<AttemptRow> attemptLog) {
    }

    /** {@code statusCode} is null when no response arrived. */
    public record AttemptRow(int attempt, OffsetDateTime at, Integer statusCode, int latencyMs, String errorClass,
            String error, String responseExcerpt) {
    }
}
