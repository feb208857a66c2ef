package dev.promptjuggler.gateway.service;

import dev.promptjuggler.gateway.persistence.ChangeNotices;
import dev.promptjuggler.gateway.persistence.ChangeNotices.Subject;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Reads the accept path reuses between requests, for as long as the database says nothing they depend on changed.
 *
 * <p>An entry is reused only while its subject's {@link ChangeNotices} generation is the one taken before it was read:
 * any change from any replica (or a lost connection to hear them) moves the generation on, and a change this replica
 * makes moves it before the change is answered. While changes cannot be heard nothing is reused, and no entry is older
 * than {@code ttl} (0 reads every time). What the read found absent (its Uni failed, or gave null) is not kept.
 */
final class NoticedCache<K, V> {

    private final ChangeNotices changes;
    private final Subject subject;
    private final long ttlNanos;
    private final int maxEntries;
    private final Map<K, Entry<V>> entries = new ConcurrentHashMap<>();

    NoticedCache(ChangeNotices changes, Subject subject, Duration ttl, int maxEntries) {
        this.changes = changes;
        this.subject = subject;
        this.ttlNanos = ttl.toNanos();
        this.maxEntries = maxEntries;
    }

    /** The cached value of the key, or {@code read}'s, kept when nothing changed meanwhile. */
    Uni<V> get(K key, Supplier<Uni<V>> read) {
        OptionalLong generation = changes.generation(subject);
        if (ttlNanos == 0 || generation.isEmpty()) {
            return read.get();
        }
        Entry<V> entry = entries.get(key);
        long now = System.nanoTime();
        if (entry != null && entry.generation() == generation.getAsLong() && now - entry.readAt() < ttlNanos) {
            return Uni.createFrom().item(entry.value());
        }
        return read.get().invoke(value -> {
            if (value == null) {
                return;
            }
            if (entries.size() >= maxEntries) {
                entries.clear();
            }
            entries.put(key, new Entry<>(value, generation.getAsLong(), now));
        });
    }

    /** @param generation the generation before the read: a change during it leaves the entry stale at once */
    private record Entry<V>(V value, long generation, long readAt) {
    }
}
