package dev.promptjuggler.gateway.api;

import dev.promptjuggler.gateway.persistence.ApiKeyRepository.StoredKey;
import jakarta.enterprise.context.RequestScoped;
import java.util.UUID;

/** The API key of the current request and its tenant, set by {@link ApiKeyFilter}. */
@RequestScoped
public class Caller {

    private StoredKey key;

    public UUID tenantId() {
        return key().tenantId();
    }

    public UUID keyId() {
        return key().id();
    }

    boolean isAuthenticated() {
        return key != null;
    }

    private StoredKey key() {
        if (key == null) {
            throw ApiException.unauthorized("missing API key");
        }
        return key;
    }

    void authenticate(StoredKey key) {
        this.key = key;
    }
}
