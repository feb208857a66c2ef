package dev.promptjuggler.gateway.service;

import dev.promptjuggler.gateway.persistence.TenantRepository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

@ApplicationScoped
public class TenantService {

    private final TenantRepository tenants;
    private final ApiKeyService apiKeys;

    public TenantService(TenantRepository tenants, ApiKeyService apiKeys) {
        this.tenants = tenants;
        this.apiKeys = apiKeys;
    }

    /** Creates a tenant together with its first API key, in one transaction. */
    public Uni<BootstrappedTenant> bootstrap(String tenantName, String defaultEnvironment) {
        UUID tenantId = UUID.randomUUID();
        ApiKeyService.NewKey key = apiKeys.generate();
        return tenants.insertTenantWithKey(tenantId, tenantName, defaultEnvironment, key, "bootstrap")
                .replaceWith(new BootstrappedTenant(tenantId, key));
    }

    public record BootstrappedTenant(UUID tenantId, ApiKeyService.NewKey key) {
    }
}
