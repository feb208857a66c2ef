package dev.promptjuggler.gateway.service;

import dev.promptjuggler.gateway.api.ApiException;
import dev.promptjuggler.gateway.persistence.WebhookEndpointRepository;
import dev.promptjuggler.gateway.persistence.WebhookEndpointRepository.EndpointRow;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

@ApplicationScoped
public class WebhookEndpointService {

    private final SecureRandom random = new SecureRandom();
    private final WebhookEndpointRepository endpoints;
    private final WebhookUrlCheck urls;

    public WebhookEndpointService(WebhookEndpointRepository endpoints, WebhookUrlCheck urls) {
        this.endpoints = endpoints;
        this.urls = urls;
    }

    /**
     * Registers an endpoint with a generated signing secret, which the caller sees only now; a URL the
     * dispatcher would not deliver to is refused first (422).
     */
    public Uni<CreatedEndpoint> create(UUID tenantId, String url, List<String> events, String environment) {
        byte[] bytes = new byte[24];
        random.nextBytes(bytes);
        String secret = "whsec_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        UUID id = UUID.randomUUID();
        return urls.check(url)
                .chain(() -> endpoints.insert(id, tenantId, url, secret, events, environment))
                .replaceWith(new CreatedEndpoint(id, url, events, environment, true, secret));
    }

    public Uni<List<EndpointRow>> list(UUID tenantId) {
        return endpoints.list(tenantId);
    }

    public Uni<EndpointRow> update(UUID tenantId, UUID id, String url, List<String> events, String environment,
            boolean enabled) {
        return urls.check(url)
                .chain(() -> endpoints.update(tenantId, id, url, events, environment, enabled))
                .map(found -> found.orElseThrow(() -> ApiException.notFound("webhook endpoint " + id + " not found")));
    }

    public Uni<Void> delete(UUID tenantId, UUID id) {
        return endpoints.delete(tenantId, id).invoke(deleted -> {
            if (!deleted) {
                throw ApiException.notFound("webhook endpoint " + id + " not found");
            }
        }).replaceWithVoid();
    }

    public record CreatedEndpoint(UUID id, String url, List<String> events, String environment, boolean enabled,
            String secret) {
    }
}
