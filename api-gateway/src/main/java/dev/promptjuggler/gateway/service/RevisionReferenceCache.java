package dev.promptjuggler.gateway.service;

import dev.promptjuggler.contracts.RunKind;
import dev.promptjuggler.gateway.config.GatewayConfig;
import dev.promptjuggler.gateway.persistence.DefinitionChanges;
import dev.promptjuggler.gateway.service.DefinitionService.ResolvedRevision;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Version references as run requests name them, resolved once and reused: the accept path would otherwise read the
 * definition and its revision for every run. Keyed by tenant, so no tenant is ever answered from another's entry.
 *
 * <p>An entry is reused only while nothing changed since it was read: it carries the {@link DefinitionChanges}
 * generation taken before its read, and any change from any replica (or a lost connection to hear them) moves the
 * generation on. A tag moved or a version published here is seen by the next request; from another replica, as
 * soon as the database's notification arrives. While changes cannot be heard nothing is reused, and no entry is
 * older than {@code gateway.accept.revision-cache-ttl}. What did not resolve (404) is not cached.
 */
@ApplicationScoped
public class RevisionReferenceCache {

    private final DefinitionChanges changes;
    private final long ttlNanos;
    private final int maxEntries;
    private final Map<Reference, Entry> entries = new ConcurrentHashMap<>();

    public RevisionReferenceCache(DefinitionChanges changes, GatewayConfig config) {
        this.changes = changes;
        this.ttlNanos = config.accept().revisionCacheTtl().toNanos();
        this.maxEntries = config.accept().revisionCacheSize();
    }

    /** The cached resolution of the reference, or {@code resolve}'s, kept when nothing changed meanwhile. */
    Uni<ResolvedRevision> get(UUID tenantId, RunKind kind, String slug, String version,
            Supplier<Uni<ResolvedRevision>> resolve) {
        OptionalLong generation = changes.generation();
        if (ttlNanos == 0 || generation.isEmpty()) {
            return resolve.get();
        }
        var reference = new Reference(tenantId, kind, slug, version);
        Entry entry = entries.get(reference);
        long now = System.nanoTime();
        if (entry != null && entry.generation() == generation.getAsLong() && now - entry.readAt() < ttlNanos) {
            return Uni.createFrom().item(entry.resolved());
        }
        return resolve.get().invoke(resolved -> {
            if (entries.size() >= maxEntries) {
                entries.clear();
            }
            entries.put(reference, new Entry(resolved, generation.getAsLong(), now));
        });
    }

    private record Reference(UUID tenantId, RunKind kind, String slug, String version) {
    }

    /** @param generation the generation before the read: a change during it leaves the entry stale at once */
    private record Entry(ResolvedRevision resolved, long generation, long readAt) {
    }
}
