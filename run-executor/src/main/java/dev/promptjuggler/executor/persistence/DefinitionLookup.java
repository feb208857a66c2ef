package dev.promptjuggler.executor.persistence;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.promptjuggler.contracts.prompt.PromptConfig;
import dev.promptjuggler.contracts.workflow.WorkflowDefinition;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import java.util.UUID;

/**
 * What a run's tools and workflow nodes refer to, as api-gateway stores it: published prompt and workflow
 * revisions (by id, slug or old slug; version number, tag, {@code __latest__} or revision id, by the gateway
 * schema's {@code resolve_definition} and {@code resolve_revision}, the rule the gateway uses) and knowledge
 * bases (by id or slug). Always within the run's tenant.
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
     * @param idOrTag    a revision id, a version number, a tag or {@code __latest__}
     */
    public Uni<Optional<PromptConfig>> publishedPrompt(UUID tenantId, String definition, String idOrTag) {
        return published(tenantId, "prompt", definition, idOrTag, PromptConfig.class);
    }

    /** The same for a workflow: its published node graph. */
    public Uni<Optional<WorkflowDefinition>> publishedWorkflow(UUID tenantId, String definition, String idOrTag) {
        return published(tenantId, "workflow", definition, idOrTag, WorkflowDefinition.class);
    }

    private <T> Uni<Optional<T>> published(UUID tenantId, String kind, String definition, String idOrTag, Class<T> type) {
        // The gateway resolves its run endpoints' {slug}/{version} with the same two functions.
        return pool.preparedQuery("SELECT v.config::text AS config FROM gateway.revisions v"
                        + " WHERE v.id = gateway.resolve_revision(gateway.resolve_definition($1, $4, $2), $3)")
                .execute(Tuple.of(tenantId, definition, idOrTag, kind))
                .map(rows -> {
                    var iterator = rows.iterator();
                    if (!iterator.hasNext()) {
                        return Optional.empty();
                    }
                    try {
                        return Optional.of(json.readValue(iterator.next().getString("config"), type));
                    } catch (Exception e) {
                        throw new IllegalStateException(kind + " " + definition + " has an unreadable revision", e);
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
