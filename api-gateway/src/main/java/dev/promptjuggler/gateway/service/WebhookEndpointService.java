package dev.promptjuggler.gateway.service;

import dev.promptjuggler.gateway.persistence.WebhookEndpointRepository;
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

    public WebhookEndpointService(WebhookEndpointRepository endpoints) {
        this.endpoints = endpoints;
    }

    /** Registers an endpoint with a generated signing secret, which the caller sees only now. */
    public Uni<CreatedEndpoint> create(UUID tenantId, String url, List<String> events, String environment) {
        byte[] bytes = new byte[24];
        random.nextBytes(bytes);
        String secret = "whsec_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        UUID id = UUID.randomUUID();
        return endpoints.insert(id, tenantId, url, secret, events, environment)
                .replaceWith(new CreatedEndpoint(id, url, events, environment, true, secret));
    }

    public record CreatedEndpoint(UUID id, String url, List<String> events, String environment, boolean enabled,
            String secret) {
    }
}
