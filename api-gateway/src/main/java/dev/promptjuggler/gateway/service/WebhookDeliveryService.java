package dev.promptjuggler.gateway.service;

import dev.promptjuggler.gateway.api.ApiException;
import dev.promptjuggler.gateway.client.DispatcherClient;
import dev.promptjuggler.gateway.client.DispatcherClient.Answer;
import dev.promptjuggler.gateway.config.WebhookDeliveryConfig;
import dev.promptjuggler.gateway.persistence.WebhookSecretRepository;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.SecureRandom;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;

/** An endpoint owner's view of and control over its deliveries, and the rotation of its signing secret. */
@ApplicationScoped
public class WebhookDeliveryService {

    private final SecureRandom random = new SecureRandom();
    private final DispatcherClient dispatcher;
    private final WebhookSecretRepository secrets;
    private final WebhookDeliveryConfig config;

    public WebhookDeliveryService(DispatcherClient dispatcher, WebhookSecretRepository secrets, WebhookDeliveryConfig config) {
        this.dispatcher = dispatcher;
        this.secrets = secrets;
        this.config = config;
    }

    public Uni<Answer> deliveries(UUID tenantId, UUID endpointId, String status, OffsetDateTime before, int limit) {
        return dispatcher.forward(HttpMethod.GET, tenantId, "/webhooks/" + endpointId + "/deliveries",
                query("status", status, "before", before == null ? null : before.toString(), "limit",
                        Integer.toString(limit)), null);
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

    /** A new secret, shown only now; the old one keeps signing for the configured overlap. */
    public Uni<RotatedSecret> rotate(UUID tenantId, UUID endpointId) {
        byte[] bytes = new byte[24];
        random.nextBytes(bytes);
        String secret = "whsec_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        return secrets.rotate(tenantId, endpointId, secret, config.rotationOverlap())
                .map(expiresAt -> new RotatedSecret(endpointId, secret,
                        expiresAt.orElseThrow(() -> ApiException.notFound("no such webhook endpoint"))));
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
