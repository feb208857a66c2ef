package dev.promptjuggler.gateway.api;

import jakarta.enterprise.context.RequestScoped;
import java.util.UUID;

/** The tenant behind the API key of the current request, set by {@link ApiKeyFilter}. */
@RequestScoped
public class Caller {

    private UUID tenantId;

    public UUID tenantId() {
        if (tenantId == null) {
            throw ApiException.unauthorized("missing API key");
        }
        return tenantId;
    }

    void authenticate(UUID tenantId) {
        this.tenantId = tenantId;
    }
}
