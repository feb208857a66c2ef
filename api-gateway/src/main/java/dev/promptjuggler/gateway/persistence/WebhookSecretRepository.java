package dev.promptjuggler.gateway.persistence;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.UUID;

/** Signing secrets of webhook endpoints across rotations (the retiring ones are read by webhook-dispatcher). */
@ApplicationScoped
public class WebhookSecretRepository {

    private final Pool pool;

    public WebhookSecretRepository(Pool pool) {
        this.pool = pool;
    }

    /**
     * Replaces the endpoint's secret; the replaced one keeps signing until {@code now + overlap}. Both in
     * one transaction, so no delivery is ever signed with neither.
     *
     * @return when the replaced secret stops signing; empty when the tenant has no such endpoint
     */
    public Uni<Optional<OffsetDateTime>> rotate(UUID tenantId, UUID endpointId, String newSecret, Duration overlap) {
        return pool.withTransaction(connection -> connection
                .preparedQuery("INSERT INTO gateway.webhook_endpoint_secrets (endpoint_id, secret, retired_at, expires_at)"
                        + " SELECT id, secret, clock_timestamp(), clock_timestamp() + $3 * interval '1 millisecond'"
                        + " FROM gateway.webhook_endpoints WHERE id = $1 AND tenant_id = $2 FOR UPDATE"
                        + " RETURNING expires_at")
                .execute(Tuple.of(endpointId, tenantId, overlap.toMillis()))
                .chain(retired -> {
                    if (retired.size() == 0) {
                        return Uni.createFrom().item(Optional.<OffsetDateTime>empty());
                    }
                    OffsetDateTime expiresAt = retired.iterator().next().getOffsetDateTime("expires_at");
                    return connection.preparedQuery("UPDATE gateway.webhook_endpoints SET secret = $3"
                                    + " WHERE id = $1 AND tenant_id = $2")
                            .execute(Tuple.of(endpointId, tenantId, newSecret))
                            .replaceWith(Optional.of(expiresAt));
                }));
    }
}
