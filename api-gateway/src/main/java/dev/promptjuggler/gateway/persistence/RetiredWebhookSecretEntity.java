package dev.promptjuggler.gateway.persistence;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * A secret replaced by a rotation, {@code gateway.webhook_endpoint_secrets}: webhook-dispatcher signs with it
 * beside the current one until it expires.
 */
@Entity
@Table(schema = "gateway", name = "webhook_endpoint_secrets")
@IdClass(RetiredWebhookSecretEntity.Key.class)
public class RetiredWebhookSecretEntity extends PanacheEntityBase {

    @Id
    @Column(name = "endpoint_id")
    public UUID endpointId;
    @Id
    @Column(name = "retired_at")
    public OffsetDateTime retiredAt;
    public String secret;
    @Column(name = "expires_at")
    public OffsetDateTime expiresAt;

    public record Key(UUID endpointId, OffsetDateTime retiredAt) {
    }
}
