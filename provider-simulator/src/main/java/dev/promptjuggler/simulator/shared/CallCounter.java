package dev.promptjuggler.simulator.shared;

import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Thread-safe count of successfully answered simulated provider calls, per provider, model and key, since start
 * (or the last {@link #reset()}). Tests and benchmarks read it through {@code GET /__simulator/calls}.
 */
@ApplicationScoped
public class CallCounter {

    private final ConcurrentHashMap<String, Long> byProvider = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Long> byModel = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Long> byKey = new ConcurrentHashMap<>();

    /**
     * Records one answered call. Keys are counted by {@link #fingerprint(String)} only, so tests can tell which key
     * a platform used without the simulator keeping any key.
     *
     * @param provider {@code openai}, {@code anthropic} or {@code gemini}
     */
    public void record(String provider, String model, String apiKey) {
        byProvider.merge(provider, 1L, Long::sum);
        byModel.merge(model, 1L, Long::sum);
        byKey.merge(fingerprint(apiKey), 1L, Long::sum);
    }

    /** The first 12 hex digits of the key's SHA-256. */
    public static String fingerprint(String apiKey) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(apiKey.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A point-in-time copy. The total is computed from the per-model counts, so the two always agree.
     */
    public Snapshot snapshot() {
        Map<String, Long> copy = new TreeMap<>(byModel);
        long total = copy.values().stream().mapToLong(Long::longValue).sum();
        return new Snapshot(total, new TreeMap<>(byProvider), copy, new TreeMap<>(byKey));
    }

    /** Forgets all counts. Calls answered concurrently with a reset are counted either before or after it. */
    public void reset() {
        byProvider.clear();
        byModel.clear();
        byKey.clear();
    }

    /**
     * Counts as served by {@code GET /__simulator/calls}.
     *
     * @param total      all answered calls
     * @param byProvider answered calls per provider format
     * @param byModel    answered calls per requested model name, sorted by name
     * @param byKey      answered calls per API key fingerprint
     */
    public record Snapshot(long total, Map<String, Long> byProvider, Map<String, Long> byModel, Map<String, Long> byKey) {
    }
}
