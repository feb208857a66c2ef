package dev.promptjuggler.simulator.shared;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Thread-safe count of successfully answered simulated provider calls, per model, since start (or the last
 * {@link #reset()}). Tests and benchmarks read it through {@code GET /__simulator/calls}.
 *
 * <p>Shared by every provider format.
 */
@ApplicationScoped
public class CallCounter {

    private final ConcurrentHashMap<String, Long> byModel = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Long> byKey = new ConcurrentHashMap<>();

    /**
     * Records one answered call for {@code model}, made with {@code apiKey}. Keys are counted by
     * {@link #fingerprint(String)} only, so tests can tell which key a platform used without the
     * simulator keeping any key.
     */
    public void record(String model, String apiKey) {
        byModel.merge(model, 1L, Long::sum);
        byKey.merge(fingerprint(apiKey), 1L, Long::sum);
    }

    /** The first 12 hex digits of the key's SHA-256. */
    public static String fingerprint(String apiKey) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(apiKey.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(digest).substring(0, 12);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A point-in-time copy. The total is computed from the per-model counts, so the two always agree.
     */
    public Snapshot snapshot() {
        Map<String, Long> copy = new TreeMap<>(byModel);
        long total = copy.values().stream().mapToLong(Long::longValue).sum();
        return new Snapshot(total, copy, new TreeMap<>(byKey));
    }

    /** Forgets all counts. Calls answered concurrently with a reset are counted either before or after it. */
    public void reset() {
        byModel.clear();
        byKey.clear();
    }

    /**
     * Counts as served by {@code GET /__simulator/calls}.
     *
     * @param total   all answered calls
     * @param byModel answered calls per requested model name, sorted by name
     * @param byKey   answered calls per API key fingerprint
     */
    public record Snapshot(long total, Map<String, Long> byModel, Map<String, Long> byKey) {
    }
}
