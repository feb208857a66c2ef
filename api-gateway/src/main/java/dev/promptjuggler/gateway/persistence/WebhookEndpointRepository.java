package dev.promptjuggler.gateway.persistence;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

@ApplicationScoped
public class WebhookEndpointRepository {

    private static final String COLUMNS = "id, url, events, environment, enabled, created_at";

    private final Pool pool;

    public WebhookEndpointRepository(Pool pool) {
        this.pool = pool;
    }

    public Uni<Void> insert(UUID id, UUID tenantId, String url, String secret, List<String> events,
            String environment) {
        return pool.preparedQuery("INSERT INTO gateway.webhook_endpoints (id, tenant_id, url, secret, events, environment)"
                        + " VALUES ($1, $2, $3, $4, $5, $6)")
                .execute(Tuple.of(id, tenantId, url, secret, events.toArray(String[]::new), environment))
                .replaceWithVoid();
    }

    public Uni<List<EndpointRow>> list(UUID tenantId) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM gateway.webhook_endpoints WHERE tenant_id = $1"
                        + " ORDER BY created_at")
                .execute(Tuple.of(tenantId))
                .map(rows -> {
                    List<EndpointRow> endpoints = new java.util.ArrayList<>();
                    rows.forEach(row -> endpoints.add(endpoint(row)));
                    return endpoints;
                });
    }

    /** Replaces the endpoint's configuration; its secret stays. Empty when the tenant has no such endpoint. */
    public Uni<java.util.Optional<EndpointRow>> update(UUID tenantId, UUID id, String url, List<String> events,
            String environment, boolean enabled) {
        return pool.preparedQuery("UPDATE gateway.webhook_endpoints SET url = $3, events = $4, environment = $5,"
                        + " enabled = $6 WHERE tenant_id = $1 AND id = $2 RETURNING " + COLUMNS)
                .execute(Tuple.from(java.util.Arrays.asList(tenantId, id, url, events.toArray(String[]::new),
                        environment, enabled)))
                .map(rows -> rows.iterator().hasNext() ? java.util.Optional.of(endpoint(rows.iterator().next()))
                        : java.util.Optional.empty());
    }

    /**
     * Deletes the endpoint; webhook-dispatcher drops its queued deliveries (the delivery log keeps what
     * was attempted until retention prunes it).
     *
     * @return false when the tenant has no such endpoint
     */
    public Uni<Boolean> delete(UUID tenantId, UUID id) {
        return pool.preparedQuery("DELETE FROM gateway.webhook_endpoints WHERE tenant_id = $1 AND id = $2")
                .execute(Tuple.of(tenantId, id))
                .map(rows -> rows.rowCount() == 1);
    }

    private static EndpointRow endpoint(io.vertx.mutiny.sqlclient.Row row) {
        return new EndpointRow(row.getUUID("id"), row.getString("url"), List.of(row.getArrayOfStrings("events")),
                row.getString("environment"), row.getBoolean("enabled"), row.getOffsetDateTime("created_at"));
    }

    /** An endpoint as it may be shown: without its secret. */
    public record EndpointRow(UUID id, String url, List<String> events, String environment, boolean enabled,
            java.time.OffsetDateTime createdAt) {
    }
}
