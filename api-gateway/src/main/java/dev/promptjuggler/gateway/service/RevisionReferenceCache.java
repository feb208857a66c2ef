package dev.promptjuggler.gateway.service;

import dev.promptjuggler.contracts.RunKind;
import dev.promptjuggler.gateway.config.GatewayConfig;
import dev.promptjuggler.gateway.persistence.ChangeNotices;
import dev.promptjuggler.gateway.persistence.ChangeNotices.Subject;
import dev.promptjuggler.gateway.service.DefinitionService.ResolvedRevision;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Version references as run requests name them, resolved once and reused (see {@link NoticedCache}): the accept path
 * would otherwise read the definition and its revision for every run. Keyed by tenant, so no tenant is ever answered
 * from another's entry. A tag moved or a version published here is seen by the next request; from another replica,
 * as soon as the database's notification arrives, and no entry is older than
 * {@code gateway.accept.revision-cache-ttl}. What did not resolve (404) is not cached.
 */
@ApplicationScoped
public class RevisionReferenceCache {

    private final NoticedCache<Reference, ResolvedRevision> cache;

    public RevisionReferenceCache(ChangeNotices changes, GatewayConfig config) {
        this.cache = new NoticedCache<>(changes, Subject.DEFINITIONS, config.accept().revisionCacheTtl(),
                config.accept().revisionCacheSize());
    }

    /** The cached resolution of the reference, or {@code resolve}'s, kept when nothing changed meanwhile. */
    Uni<ResolvedRevision> get(UUID tenantId, RunKind kind, String slug, String version,
            Supplier<Uni<ResolvedRevision>> resolve) {
        return cache.get(new Reference(tenantId, kind, slug, version), resolve);
    }

    private record Reference(UUID tenantId, RunKind kind, String slug, String version) {
    }
}
