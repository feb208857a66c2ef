package dev.promptjuggler.executor.knowledge;

import dev.promptjuggler.executor.config.ExecutorConfig;
import dev.promptjuggler.executor.persistence.DefinitionLookup;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.ext.web.client.WebClient;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

/**
 * knowledge-ingest's vector search, for the {@code knowledge_search} tool and the KB Search workflow node:
 * one knowledge base of the run's tenant (by id or slug), the best chunks for a query.
 */
@ApplicationScoped
public class KnowledgeSearchClient {

    private final DefinitionLookup definitions;
    private final WebClient web;
    private final String url;

    public KnowledgeSearchClient(DefinitionLookup definitions, Vertx vertx, ExecutorConfig config) {
        this.definitions = definitions;
        this.web = WebClient.create(vertx);
        this.url = config.tools().knowledge().url().replaceAll("/+$", "");
    }

    /**
     * @param minScore null for no minimum
     * @return the hits as knowledge-ingest returns them (content, fileName, page, headingPath, score, …), best
     *         first; a failed Uni whose message says what went wrong
     */
    public Uni<JsonArray> search(UUID tenantId, String knowledgeBase, String query, int topK, Double minScore) {
        return definitions.knowledgeBase(tenantId, knowledgeBase)
                .map(found -> found.orElseThrow(() -> new IllegalStateException("knowledge base " + knowledgeBase + " not found")))
                .chain(id -> web.postAbs(url + "/internal/v1/knowledge-bases/" + id + "/search")
                        .sendJson(body(tenantId, query, topK, minScore)))
                .map(response -> {
                    if (response.statusCode() != 200) {
                        throw new IllegalStateException("knowledge search answered " + response.statusCode() + ": "
                                + response.bodyAsString());
                    }
                    return response.bodyAsJsonObject().getJsonArray("results");
                });
    }

    private static JsonObject body(UUID tenantId, String query, int topK, Double minScore) {
        JsonObject body = new JsonObject().put("tenantId", tenantId.toString()).put("query", query).put("topK", topK);
        return minScore == null ? body : body.put("minScore", minScore);
    }

    @PreDestroy
    void close() {
        web.close();
    }
}
