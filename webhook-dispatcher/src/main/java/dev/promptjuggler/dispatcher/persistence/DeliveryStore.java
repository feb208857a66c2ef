package dev.promptjuggler.dispatcher.persistence;

import dev.promptjuggler.contracts.EnvironmentGlob;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

@ApplicationScoped
public class DeliveryStore {

    private final Pool pool;

    public DeliveryStore(Pool pool) {
        this.pool = pool;
    }

    /**
     * Stores the event and one delivery per matching endpoint in one transaction. An event seen before
     * yields no new deliveries.
     *
     * @return the ids of the deliveries created
     */
    public Uni<List<UUID>> fanOut(UUID eventId, UUID tenantId, String type, String environment, String payload) {
        return pool.withTransaction(connection -> connection
                .preparedQuery("INSERT INTO dispatch.events (id, tenant_id, type, environment, payload)"
                        + " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING")
                .execute(Tuple.of(eventId, tenantId, type, environment, payload))
                .chain(inserted -> inserted.rowCount() == 0
                        ? Uni.createFrom().item(List.<UUID>of())
                        : matchingEndpoints(connection, tenantId, type, environment)
                                .chain(endpoints -> insertDeliveries(connection, eventId, tenantId, endpoints))));
    }

    private Uni<List<UUID>> matchingEndpoints(SqlConnection connection, UUID tenantId, String type,
            String environment) {
        return connection.preparedQuery("SELECT id, environment FROM gateway.webhook_endpoints"
                        + " WHERE tenant_id = $1 AND enabled AND (cardinality(events) = 0 OR $2 = ANY (events))")
                .execute(Tuple.of(tenantId, type))
                .map(rows -> {
                    List<UUID> matching = new ArrayList<>();
                    for (Row row : rows) {
                        if (EnvironmentGlob.matches(row.getString("environment"), environment)) {
                            matching.add(row.getUUID("id"));
                        }
                    }
                    return matching;
                });
    }

    private Uni<List<UUID>> insertDeliveries(SqlConnection connection, UUID eventId, UUID tenantId,
            List<UUID> endpoints) {
        if (endpoints.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        List<Tuple> rows = endpoints.stream()
                .map(endpoint -> Tuple.of(UUID.randomUUID(), eventId, endpoint, tenantId))
                .toList();
        return connection.preparedQuery("INSERT INTO dispatch.deliveries (id, event_id, endpoint_id, tenant_id)"
                        + " VALUES ($1, $2, $3, $4)")
                .executeBatch(rows)
                .replaceWith(rows.stream().map(row -> row.getUUID(0)).toList());
    }

    /** What an attempt needs: the delivery, its event's body and its endpoint's address and secret. */
    public Uni<Optional<PendingDelivery>> findPending(UUID deliveryId) {
        return pool.preparedQuery("SELECT d.id, d.attempts, e.id AS event_id, e.type, e.payload, w.url, w.secret"
                        + " FROM dispatch.deliveries d"
                        + " JOIN dispatch.events e ON e.id = d.event_id"
                        + " JOIN gateway.webhook_endpoints w ON w.id = d.endpoint_id"
                        + " WHERE d.id = $1 AND d.status = 'pending'")
                .execute(Tuple.of(deliveryId))
                .map(rows -> {
                    var iterator = rows.iterator();
                    if (!iterator.hasNext()) {
                        return Optional.empty();
                    }
                    Row row = iterator.next();
                    return Optional.of(new PendingDelivery(row.getUUID("id"), row.getInteger("attempts") + 1,
                            row.getUUID("event_id"), row.getString("type"), row.getString("payload"),
                            row.getString("url"), row.getString("secret")));
                });
    }

    /** Records one attempt and the delivery's resulting state, in one transaction. */
    public Uni<Void> recordAttempt(PendingDelivery delivery, AttemptResult result) {
        return pool.withTransaction(connection -> connection
                .preparedQuery("INSERT INTO dispatch.delivery_attempts"
                        + " (delivery_id, attempt, status_code, latency_ms, error, response_excerpt)"
                        + " VALUES ($1, $2, $3, $4, $5, $6)")
                .execute(Tuple.from(Arrays.asList(delivery.id(), delivery.attempt(), result.statusCode(),
                        result.latencyMs(), result.error(), result.responseExcerpt())))
                .chain(() -> connection
                        .preparedQuery("UPDATE dispatch.deliveries SET attempts = $2, status = $3,"
                                + " last_status_code = $4, last_error = $5,"
                                + " delivered_at = CASE WHEN $3 = 'delivered' THEN now() END WHERE id = $1")
                        .execute(Tuple.from(Arrays.asList(delivery.id(), delivery.attempt(),
                                result.succeeded() ? "delivered" : "failed", result.statusCode(),
                                result.error())))))
                .replaceWithVoid();
    }

    public record PendingDelivery(UUID id, int attempt, UUID eventId, String eventType, String payload, String url,
            String secret) {
    }

    /** @param statusCode null when no HTTP response arrived */
    public record AttemptResult(Integer statusCode, int latencyMs, String error, String responseExcerpt) {

        public boolean succeeded() {
            return statusCode != null && statusCode / 100 == 2;
        }
    }
}
