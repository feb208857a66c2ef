package dev.promptjuggler.gateway.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.promptjuggler.gateway.api.ApiException;
import dev.promptjuggler.gateway.config.KnowledgeConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.ext.web.client.WebClient;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.util.List;
import java.util.UUID;
import org.jboss.logging.Logger;

/** Vector search is served by knowledge-ingest, which owns the chunks; the gateway forwards to it. */
@ApplicationScoped
public class KnowledgeSearchClient {

    private static final Logger LOG = Logger.getLogger(KnowledgeSearchClient.class);

    private final WebClient client;
    private final KnowledgeConfig config;
    private final URI base;

    public KnowledgeSearchClient(Vertx vertx, KnowledgeConfig config) {
        this.config = config;
        this.base = URI.create(config.ingestUrl());
        this.client = WebClient.create(vertx, new WebClientOptions()
                .setDefaultHost(base.getHost())
                .setDefaultPort(base.getPort())
                .setSsl("https".equals(base.getScheme())));
    }

    /** @return knowledge-ingest's answer, {@code {"results": [...]}}; its 4xx errors reach the caller as they are */
    public Uni<JsonNode> search(UUID tenantId, UUID knowledgeBaseId, SearchRequest request) {
        JsonObject body = JsonObject.of("tenantId", tenantId.toString(), "query", request.query(),
                "topK", request.topK(), "minScore", request.minScore(),
                "documentIds", request.documentIds() == null ? null : request.documentIds().stream().map(UUID::toString).toList(),
                "filter", request.filter() == null ? null : Json.decodeValue(request.filter().toString()));
        return client.post(base.getPath().replaceAll("/$", "") + "/internal/v1/knowledge-bases/" + knowledgeBaseId + "/search")
                .timeout(config.searchTimeout().toMillis())
                .sendJsonObject(body)
                .onFailure().transform(failure -> {
                    LOG.warnf("knowledge search failed: %s", failure.toString());
                    return new ApiException(503, "knowledge search is unavailable, try again");
                })
                .map(response -> {
                    JsonNode answer = response.bodyAsJson(JsonNode.class);
                    if (response.statusCode() / 100 == 4 && answer != null && answer.hasNonNull("error")) {
                        throw new ApiException(response.statusCode(), answer.get("error").asText());
                    }
                    if (response.statusCode() != 200) {
                        LOG.warnf("knowledge search answered %d", response.statusCode());
                        throw new ApiException(503, "knowledge search is unavailable, try again");
                    }
                    return answer;
                });
    }

    @PreDestroy
    void close() {
        client.close();
    }

    /**
     * @param documentIds restrict the search to these documents; null = the whole base
     * @param filter      conditions on the chunks' metadata, passed on as given (knowledge-ingest checks it); null = none
     */
    public record SearchRequest(String query, Integer topK, Double minScore, List<UUID> documentIds, JsonNode filter) {
    }
}
