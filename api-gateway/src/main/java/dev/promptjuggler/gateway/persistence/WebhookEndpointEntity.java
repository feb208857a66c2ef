package dev.promptjuggler.gateway.persistence;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.LockModeType;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** A tenant's webhook endpoint, {@code gateway.webhook_endpoints}; webhook-dispatcher reads it to deliver. */
@Entity
@Table(schema = "gateway", name = "webhook_endpoints")
public class WebhookEndpointEntity extends PanacheEntityBase {

    @Id
    public UUID id;
    @Column(name = "tenant_id", updatable = false)
    public UUID tenantId;
    public String url;
    public String secret;
    /** Empty = every event. */
    public String[] events;
    /** Glob over the run's environment; null = every environment. */
    public String environment;
    public boolean enabled;
    /** Set by the column's default, so the database's clock orders endpoints as before. */
    @Column(name = "created_at", insertable = false, updatable = false)
    public OffsetDateTime createdAt;

    public static Uni<List<WebhookEndpointEntity>> listOf(UUID tenantId) {
        return list("tenantId", Sort.by("createdAt"), tenantId);
    }

    public static Uni<WebhookEndpointEntity> findOf(UUID tenantId, UUID id) {
        return find("tenantId = ?1 and id = ?2", tenantId, id).firstResult();
    }

    /** The endpoint locked for the rest of the transaction (a secret rotation), or null. */
    public static Uni<WebhookEndpointEntity> lockOf(UUID tenantId, UUID id) {
        return find("tenantId = ?1 and id = ?2", tenantId, id).withLock(LockModeType.PESSIMISTIC_WRITE).firstResult();
    }

    /** @return false when the tenant has no such endpoint */
    public static Uni<Boolean> deleteOf(UUID tenantId, UUID id) {
        return delete("tenantId = ?1 and id = ?2", tenantId, id).map(deleted -> deleted == 1);
    }

    /** The endpoint as it may be shown: without its secret. */
    public EndpointRow row() {
        return new EndpointRow(id, url, List.of(events), environment, enabled, createdAt);
    }

    public record EndpointRow(UUID id, String url, List<String> events, String environment, boolean enabled,
            OffsetDateTime createdAt) {
    }
}
