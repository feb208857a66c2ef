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

    /** Records one answered call for {@code model}. */
    public void record(String model) {
        byModel.merge(model, 1L, Long::sum);
    }

    /**
     * A point-in-time copy. The total is computed from the per-model counts, so the two always agree.
     */
    public Snapshot snapshot() {
        Map<String, Long> copy = new TreeMap<>(byModel);
        long total = copy.values().stream().mapToLong(Long::longValue).sum();
        return new Snapshot(total, copy);
    }

    /** Forgets all counts. Calls answered concurrently with a reset are counted either before or after it. */
    public void reset() {
        byModel.clear();
    }

    /**
     * Counts as served by {@code GET /__simulator/calls}.
     *
     * @param total   all answered calls
     * @param byModel answered calls per requested model name, sorted by name
     */
    public record Snapshot(long total, Map<String, Long> byModel) {
    }
}
