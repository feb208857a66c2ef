package dev.promptjuggler.gateway.service;

import dev.promptjuggler.gateway.api.ApiException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Pattern;

/** The rules variables obey, stored or per run. */
public final class EnvironmentVariables {

    public static final Pattern KEY = Pattern.compile("[A-Z][A-Z0-9_]*");
    public static final int MAX_PER_RUN = 50;
    public static final int MAX_PER_RUN_BYTES = 64 * 1024;

    private EnvironmentVariables() {
    }

    public static void requireKey(String field, String key) {
        if (key == null || !KEY.matcher(key).matches() || key.length() > 256) {
            throw ApiException.invalid(field + " key " + key + " must be UPPER_CASE: ^[A-Z][A-Z0-9_]*$");
        }
    }

    /** Per-run overrides: at most 50 entries and 64 KB of keys and values in total. */
    public static void requirePerRunLimits(Map<String, String> envVars) {
        envVars.keySet().forEach(key -> requireKey("envVars", key));
        if (envVars.size() > MAX_PER_RUN) {
            throw ApiException.invalid("envVars has " + envVars.size() + " entries; at most " + MAX_PER_RUN);
        }
        long bytes = envVars.entrySet().stream()
                .mapToLong(e -> e.getKey().getBytes(StandardCharsets.UTF_8).length
                        + e.getValue().getBytes(StandardCharsets.UTF_8).length)
                .sum();
        if (bytes > MAX_PER_RUN_BYTES) {
            throw ApiException.invalid("envVars hold " + bytes + " bytes; at most " + MAX_PER_RUN_BYTES);
        }
    }
}
