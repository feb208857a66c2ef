package dev.promptjuggler.gateway.service;

import dev.promptjuggler.gateway.api.ApiException;
import dev.promptjuggler.gateway.client.DispatcherClient;
import dev.promptjuggler.gateway.client.DispatcherClient.Answer;
import dev.promptjuggler.gateway.config.WebhookDeliveryConfig;
import dev.promptjuggler.gateway.persistence.RetiredWebhookSecretEntity;
import dev.promptjuggler.gateway.persistence.WebhookEndpointEntity;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.SecureRandom;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;

/** An endpoint owner's view of and control over its deliveries, and the rotation of its signing secret. */
@ApplicationScoped
public class WebhookDeliveryService {

    private final SecureRandom random = new SecureRandom();
    private final DispatcherClient dispatcher;
    private final WebhookDeliveryConfig config;

    public WebhookDeliveryService(DispatcherClient dispatcher, WebhookDeliveryConfig config) {
        this.dispatcher = dispatcher;
        this.config = config;
    }

    public Uni<Answer> deliveries(UUID tenantId, UUID endpointId, String status, String before, Integer limit) {
        return dispatcher.forward(HttpMethod.GET, tenantId, "/webhooks/" + endpointId + "/deliveries",
                query("status", status, "before", before, "limit", limit == null ? null : limit.toString()), null);
    }

    public Uni<Answer> eventDeliveries(UUID tenantId, UUID eventId) {
        return dispatcher.forward(HttpMethod.GET, tenantId, "/events/" + eventId + "/deliveries", Map.of(), null);
    }

    public Uni<Answer> replay(UUID tenantId, UUID endpointId, UUID deliveryId) {
        return dispatcher.forward(HttpMethod.POST, tenantId,
                "/webhooks/" + endpointId + "/deliveries/" + deliveryId + "/replay", Map.of(), null);
    }

    /** {@code from} and {@code to} are ISO-8601 times; the dispatcher checks them. */
    public Uni<Answer> replayFailed(UUID tenantId, UUID endpointId, String from, String to) {
        JsonObject range = new JsonObject().put("from", from).put("to", to);
        return dispatcher.forward(HttpMethod.POST, tenantId, "/webhooks/" + endpointId + "/replay", Map.of(),
                range.encode());
    }

    public Uni<Answer> ping(UUID tenantId, UUID endpointId) {
        return dispatcher.forward(HttpMethod.POST, tenantId, "/webhooks/" + endpointId + "/ping", Map.of(), null);
    }

    public Uni<Answer> health(UUID tenantId, UUID endpointId) {
        return dispatcher.forward(HttpMethod.GET, tenantId, "/webhooks/" + endpointId + "/health", Map.of(), null);
    }

    public Uni<Answer> reenable(UUID tenantId, UUID endpointId, boolean redeliverMissed) {
        return dispatcher.forward(HttpMethod.POST, tenantId, "/webhooks/" + endpointId + "/enable", Map.of(),
                new JsonObject().put("redeliverMissed", redeliverMissed).encode());
    }

    /**
     * A new secret, shown only now; the old one keeps signing for the configured overlap. The endpoint is locked
     * and both rows written in one transaction, so no delivery is ever signed with neither.
     */
    @WithTransaction
    public Uni<RotatedSecret> rotate(UUID tenantId, UUID endpointId) {
        byte[] bytes = new byte[24];
        random.nextBytes(bytes);
        String secret = "whsec_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        return WebhookEndpointEntity.lockOf(tenantId, endpointId).chain(endpoint -> {
            if (endpoint == null) {
                return Uni.createFrom().failure(ApiException.notFound("no such webhook endpoint"));
            }
            RetiredWebhookSecretEntity retired = new RetiredWebhookSecretEntity();
            retired.endpointId = endpointId;
            // PostgreSQL keeps microseconds: the time shown must be the time stored.
            retired.retiredAt = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
            retired.expiresAt = retired.retiredAt.plus(config.rotationOverlap());
            retired.secret = endpoint.secret;
            endpoint.secret = secret;
            return retired.persist().replaceWith(new RotatedSecret(endpointId, secret, retired.expiresAt));
        });
    }

    private static Map<String, String> query(String... pairs) {
        Map<String, String> query = new java.util.LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            query.put(pairs[i], pairs[i + 1]);
        }
        return query;
    }

    /** @param previousSecretExpiresAt until then, deliveries carry a signature with the replaced secret too */
    public record RotatedSecret(UUID id, String secret, OffsetDateTime previousSecretExpiresAt) {
    }
}
