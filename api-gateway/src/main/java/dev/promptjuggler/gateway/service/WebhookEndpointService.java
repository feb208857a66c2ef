package dev.promptjuggler.gateway.service;

import dev.promptjuggler.gateway.api.ApiException;
import dev.promptjuggler.gateway.persistence.WebhookEndpointEntity;
import dev.promptjuggler.gateway.persistence.WebhookEndpointEntity.EndpointRow;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

@ApplicationScoped
public class WebhookEndpointService {

    private final SecureRandom random = new SecureRandom();
    private final WebhookUrlCheck urls;

    public WebhookEndpointService(WebhookUrlCheck urls) {
        this.urls = urls;
    }

    /**
     * Registers an endpoint with a generated signing secret, which the caller sees only now; a URL the
     * dispatcher would not deliver to is refused first (422).
     */
    @WithTransaction
    public Uni<CreatedEndpoint> create(UUID tenantId, String url, List<String> events, String environment) {
        byte[] bytes = new byte[24];
        random.nextBytes(bytes);
        WebhookEndpointEntity endpoint = new WebhookEndpointEntity();
        endpoint.id = UUID.randomUUID();
        endpoint.tenantId = tenantId;
        endpoint.url = url;
        endpoint.secret = "whsec_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        endpoint.events = events.toArray(String[]::new);
        endpoint.environment = environment;
        endpoint.enabled = true;
        return urls.check(url)
                .chain(endpoint::persist)
                .replaceWith(new CreatedEndpoint(endpoint.id, url, events, environment, true, endpoint.secret));
    }

    @WithSession
    public Uni<List<EndpointRow>> list(UUID tenantId) {
        return WebhookEndpointEntity.listOf(tenantId)
                .map(endpoints -> endpoints.stream().map(WebhookEndpointEntity::row).toList());
    }

    /** Replaces the endpoint's configuration; its secret stays. */
    @WithTransaction
    public Uni<EndpointRow> update(UUID tenantId, UUID id, String url, List<String> events, String environment,
            boolean enabled) {
        return urls.check(url)
                .chain(() -> WebhookEndpointEntity.findOf(tenantId, id))
                .map(endpoint -> {
                    if (endpoint == null) {
                        throw ApiException.notFound("webhook endpoint " + id + " not found");
                    }
                    endpoint.url = url;
                    endpoint.events = events.toArray(String[]::new);
                    endpoint.environment = environment;
                    endpoint.enabled = enabled;
                    return endpoint.row();
                });
    }

    /**
     * Deletes the endpoint; webhook-dispatcher drops its queued deliveries (the delivery log keeps what
     * was attempted until retention prunes it).
     */
    @WithTransaction
    public Uni<Void> delete(UUID tenantId, UUID id) {
        return WebhookEndpointEntity.deleteOf(tenantId, id).invoke(deleted -> {
            if (!deleted) {
                throw ApiException.notFound("webhook endpoint " + id + " not found");
            }
        }).replaceWithVoid();
    }

    public record CreatedEndpoint(UUID id, String url, List<String> events, String environment, boolean enabled,
            String secret) {
    }
}
