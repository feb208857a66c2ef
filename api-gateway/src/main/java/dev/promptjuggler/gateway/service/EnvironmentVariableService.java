package dev.promptjuggler.gateway.service;

import dev.promptjuggler.contracts.secret.SecretCipher;
import dev.promptjuggler.contracts.secret.SecretOwners;
import dev.promptjuggler.gateway.api.ApiException;
import dev.promptjuggler.gateway.persistence.EnvironmentVariableRepository;
import dev.promptjuggler.gateway.persistence.EnvironmentVariableRepository.VariableRow;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

/** Stored environment variables: written encrypted, never returned. */
@ApplicationScoped
public class EnvironmentVariableService {

    private final EnvironmentVariableRepository variables;
    private final SecretCipher cipher;

    public EnvironmentVariableService(EnvironmentVariableRepository variables, SecretCipher cipher) {
        this.variables = variables;
        this.cipher = cipher;
    }

    public Uni<VariableRow> put(UUID tenantId, String key, String environment, String value) {
        EnvironmentVariables.requireKey("variable", key);
        String encrypted = cipher.encrypt(value, SecretOwners.storedVariable(tenantId, key, environment));
        return variables.upsert(tenantId, key, environment, encrypted);
    }

    public Uni<List<VariableRow>> list(UUID tenantId) {
        return variables.list(tenantId);
    }

    public Uni<Void> delete(UUID tenantId, UUID id) {
        return variables.delete(tenantId, id).invoke(deleted -> {
            if (!deleted) {
                throw ApiException.notFound("environment variable " + id + " not found");
            }
        }).replaceWithVoid();
    }
}
