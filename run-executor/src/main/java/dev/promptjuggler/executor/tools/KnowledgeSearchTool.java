package dev.promptjuggler.executor.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.promptjuggler.executor.llm.ToolCall;
import dev.promptjuggler.executor.llm.ToolSpec;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.ext.web.client.WebClient;
import java.util.Map;
import java.util.UUID;

/**
 * The SDK's {@code KnowledgeSearch} tool: the model's query goes to knowledge-ingest's vector search over
 * one knowledge base of the run's tenant; the best chunks (text, file, page, heading path, score) go back.
 */
final class KnowledgeSearchTool implements FunctionTool {

    static final Map<String, Object> PARAMETERS = Map.of(
            "type", "object",
            "properties", Map.of("query", Map.of("type", "string", "description", "What to look for")),
            "required", java.util.List.of("query"));

    private final ToolSpec spec;
    private final boolean failFast;
    private final Uni<UUID> knowledgeBase;
    private final UUID tenantId;
    private final int topK;
    private final String ingestUrl;
    private final WebClient web;
    private final ObjectMapper json;

    KnowledgeSearchTool(ToolSpec spec, boolean failFast, Uni<UUID> knowledgeBase, UUID tenantId, int topK,
            String ingestUrl, WebClient web, ObjectMapper json) {
        this.spec = spec;
        this.failFast = failFast;
        this.knowledgeBase = knowledgeBase;
        this.tenantId = tenantId;
        this.topK = topK;
        this.ingestUrl = ingestUrl;
        this.web = web;
        this.json = json;
    }

    @Override
    public ToolSpec spec() {
        return spec;
    }

    @Override
    public boolean failFast() {
        return failFast;
    }

    @Override
    public Uni<ToolOutcome> call(ToolCall call) {
        JsonNode arguments = Arguments.parse(call, json);
        if (arguments == null || !arguments.path("query").isTextual() || arguments.path("query").asText().isBlank()) {
            return Uni.createFrom().item(ToolOutcome.failed("pass the search text as {\"query\": \"...\"}"));
        }
        String query = arguments.path("query").asText();
        return knowledgeBase
                .chain(id -> web.postAbs(ingestUrl + "/internal/v1/knowledge-bases/" + id + "/search")
                        .sendJson(new JsonObject().put("tenantId", tenantId.toString()).put("query", query).put("topK", topK)))
                .map(response -> response.statusCode() == 200
                        ? ToolOutcome.ok(response.bodyAsJsonObject().getJsonArray("results").encode())
                        : ToolOutcome.failed("knowledge search answered " + response.statusCode() + ": " + response.bodyAsString()))
                .onFailure().recoverWithItem(failure -> ToolOutcome.failed("knowledge search failed: "
                        + (failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage())));
    }
}
