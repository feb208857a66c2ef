package dev.promptjuggler.executor.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.promptjuggler.contracts.EnvironmentGlob;
import dev.promptjuggler.contracts.secret.SecretCipher;
import dev.promptjuggler.contracts.secret.SecretOwners;
import dev.promptjuggler.executor.persistence.VariableStore;
import dev.promptjuggler.executor.persistence.VariableStore.StoredVariable;
import dev.promptjuggler.executor.service.UnrunnableRunException.Reason;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The variables a run sees: the tenant's stored variables whose environment pattern matches the run's
 * environment, then the run's own envVars, which win. Among stored variables with the same key, the
 * most specific pattern wins: an exact name over a glob over no pattern. Values are decrypted here, in
 * memory, for the run only. A value that does not decrypt makes the run unrunnable: retrying cannot change
 * the key it was encrypted under.
 */
@ApplicationScoped
public class EnvironmentResolver {

    private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {
    };

    private final VariableStore store;
    private final SecretCipher cipher;
    private final ObjectMapper json;

    public EnvironmentResolver(VariableStore store, SecretCipher cipher, ObjectMapper json) {
        this.store = store;
        this.cipher = cipher;
        this.json = json;
    }

    public Uni<Map<String, String>> variables(UUID tenantId, UUID runId, String environment) {
        return store.tenantVariables(tenantId).chain(stored -> store.runVariables(runId)
                .map(perRun -> resolve(tenantId, runId, environment, stored, perRun)));
    }

    /**
     * The same resolution over variables already read (a claim returns them with the run).
     *
     * @param perRun the run's envVars as stored (encrypted JSON), if any
     * @throws UnrunnableRunException when a value does not decrypt or the envVars are not an object of strings
     */
    public Map<String, String> resolve(UUID tenantId, UUID runId, String environment, List<StoredVariable> stored,
            Optional<String> perRun) {
        Map<String, String> variables = new HashMap<>(stored(tenantId, stored, environment));
        perRun.ifPresent(encrypted -> variables.putAll(read(decrypt(encrypted, SecretOwners.runVariables(runId),
                "the run's envVars"))));
        return variables;
    }

    private Map<String, String> stored(UUID tenantId, List<StoredVariable> variables, String environment) {
        Map<String, String> resolved = new HashMap<>();
        variables.stream()
                .filter(variable -> EnvironmentGlob.matches(variable.environment(), environment))
                .sorted(Comparator.comparingInt(EnvironmentResolver::specificity))
                .forEach(variable -> resolved.put(variable.key(), decrypt(variable.encryptedValue(),
                        SecretOwners.storedVariable(tenantId, variable.key(), variable.environment()),
                        "environment variable " + variable.key()
                                + (variable.environment() == null ? "" : " (environment " + variable.environment() + ")"))));
        return resolved;
    }

    /** @param what names the value in the run's error: its key, never its value */
    private String decrypt(String stored, String owner, String what) {
        try {
            return cipher.decrypt(stored, owner);
        } catch (RuntimeException e) {
            throw new UnrunnableRunException(Reason.UNREADABLE_VARIABLES, what + " could not be decrypted: it was"
                    + " encrypted under another secrets key (store it again, or check that run-executor's SECRETS_KEY"
                    + " is api-gateway's GATEWAY_SECRETS_KEY)");
        }
    }

    /** Later wins: no pattern (0), then a glob (1), then an exact environment name (2). */
    static int specificity(StoredVariable variable) {
        if (variable.environment() == null) {
            return 0;
        }
        return variable.environment().contains("*") || variable.environment().contains("?") ? 1 : 2;
    }

    private Map<String, String> read(String plaintext) {
        try {
            return json.readValue(plaintext, STRING_MAP);
        } catch (JsonProcessingException e) {
            throw new UnrunnableRunException(Reason.UNREADABLE_VARIABLES, "the run's envVars are not a JSON object of strings");
        }
    }
}
