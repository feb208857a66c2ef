package dev.promptjuggler.contracts.secret;

import java.util.UUID;

/**
 * The associated data that binds each kind of secret ciphertext to its owner. The gateway encrypts and
 * the executor decrypts with the same strings, so they are defined once, here.
 */
public final class SecretOwners {

    private SecretOwners() {
    }

    /** A stored environment variable: its tenant, key and environment pattern. */
    public static String storedVariable(UUID tenantId, String key, String environment) {
        return "env/" + tenantId + "/" + key + "/" + (environment == null ? "" : environment);
    }

    /** A run's per-request envVars (one JSON object). */
    public static String runVariables(UUID runId) {
        return "run/" + runId;
    }
}
