package dev.promptjuggler.gateway.persistence;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

@ApplicationScoped
public class WebhookEndpointRepository {

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
}
