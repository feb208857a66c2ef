package dev.promptjuggler.gateway.api;

import dev.promptjuggler.gateway.persistence.ApiKeyRepository.AuthenticatedKey;
import dev.promptjuggler.gateway.service.RunRequester;
import jakarta.enterprise.context.RequestScoped;
import java.util.UUID;

/** The API key of the current request and its tenant, set by {@link ApiKeyFilter}. */
@RequestScoped
public class Caller {

    private AuthenticatedKey key;

    public UUID tenantId() {
        return key().key().tenantId();
    }

    public UUID keyId() {
        return key().key().id();
    }

    /** Who asks for a run: the tenant, the key, and the tenant's defaults, read with the key. */
    public RunRequester requester() {
        return new RunRequester(tenantId(), keyId(), key().defaultEnvironment());
    }

    boolean isAuthenticated() {
        return key != null;
    }

    private AuthenticatedKey key() {
        if (key == null) {
            throw ApiException.unauthorized("missing API key");
        }
        return key;
    }

    void authenticate(AuthenticatedKey key) {
        this.key = key;
    }
}
