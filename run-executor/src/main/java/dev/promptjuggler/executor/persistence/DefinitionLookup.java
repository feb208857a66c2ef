package dev.promptjuggler.executor.persistence;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.promptjuggler.contracts.prompt.PromptConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import java.util.UUID;

/**
 * What a run's tools refer to, as api-gateway stores it: published prompt revisions (the {@code prompt}
 * tool's {@code versionRef}) and knowledge bases (the {@code knowledge_search} tool). Always within the
 * run's tenant.
 */
@ApplicationScoped
public class DefinitionLookup {

    private final Pool pool;
    private final ObjectMapper json;

    public DefinitionLookup(Pool pool, ObjectMapper json) {
        this.pool = pool;
        this.json = json;
    }

    /**
     * @param definition the prompt's id or slug
     * @param idOrTag    a revision id, a version number or a tag
     */
    public Uni<Optional<PromptConfig>> publishedPrompt(UUID tenantId, String definition, String idOrTag) {
        return pool.preparedQuery("SELECT v.config::text AS config FROM gateway.definitions d"
                        + " JOIN gateway.revisions v ON v.definition_id = d.id"
                        + " WHERE d.tenant_id = $1 AND d.kind = 'prompt' AND (d.id::text = $2 OR d.slug = $2)"
                        + " AND (v.id::text = $3 OR v.version::text = $3"
                        + "   OR v.id = (SELECT t.revision_id FROM gateway.tags t WHERE t.definition_id = d.id AND t.name = $3))"
                        + " LIMIT 1")
                .execute(Tuple.of(tenantId, definition, idOrTag))
                .map(rows -> {
                    var iterator = rows.iterator();
                    if (!iterator.hasNext()) {
                        return Optional.empty();
                    }
                    try {
                        return Optional.of(json.readValue(iterator.next().getString("config"), PromptConfig.class));
                    } catch (Exception e) {
                        throw new IllegalStateException("prompt " + definition + " has an unreadable revision", e);
                    }
                });
    }

    /** @param idOrSlug the knowledge base's id or slug */
    public Uni<Optional<UUID>> knowledgeBase(UUID tenantId, String idOrSlug) {
        return pool.preparedQuery("SELECT id FROM gateway.knowledge_bases WHERE tenant_id = $1"
                        + " AND (id::text = $2 OR slug = $2) LIMIT 1")
                .execute(Tuple.of(tenantId, idOrSlug))
                .map(rows -> {
                    var iterator = rows.iterator();
                    return iterator.hasNext() ? Optional.of(iterator.next().getUUID("id")) : Optional.empty();
                });
    }
}
