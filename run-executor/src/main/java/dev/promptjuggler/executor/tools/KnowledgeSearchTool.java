package dev.promptjuggler.executor.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.promptjuggler.executor.knowledge.KnowledgeSearchClient;
import dev.promptjuggler.executor.llm.ToolCall;
import dev.promptjuggler.executor.llm.ToolSpec;
import io.opentelemetry.context.Context;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.Json;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The SDK's {@code KnowledgeSearch} tool: the model's query goes to knowledge-ingest's vector search over
 * one knowledge base of the run's tenant; the best chunks (text, file, page, heading path, score) go back.
 */
final class KnowledgeSearchTool extends DefinedTool {

    static final Map<String, Object> PARAMETERS = Map.of(
            "type", "object",
            "properties", Map.of("query", Map.of("type", "string", "description", "What to look for"),
                    "filter", Map.of("type", "object", "description", "Only documents whose metadata matches, e.g."
                            + " {\"team\": \"sales\"} or {\"year\": {\"in\": [2023, 2024]}} (optional)")),
            "required", List.of("query"));

    private final String knowledgeBase;
    private final UUID tenantId;
    private final int topK;
    private final KnowledgeSearchClient knowledge;

    KnowledgeSearchTool(ToolSpec spec, boolean failFast, String knowledgeBase, UUID tenantId, int topK,
            KnowledgeSearchClient knowledge, ObjectMapper json) {
        super(spec, failFast, json);
        this.knowledgeBase = knowledgeBase;
        this.tenantId = tenantId;
        this.topK = topK;
        this.knowledge = knowledge;
    }

    @Override
    Uni<ToolOutcome> call(ToolCall call, JsonNode arguments, Context trace) {
        if (!arguments.path("query").isTextual() || arguments.path("query").asText().isBlank()) {
            return Uni.createFrom().item(ToolOutcome.failed("pass the search text as {\"query\": \"...\"}"));
        }
        JsonNode filter = arguments.get("filter");
        // A malformed filter comes back from knowledge-ingest as a failed call naming it, for the model to correct.
        return knowledge.search(tenantId, knowledgeBase, arguments.path("query").asText(), topK, null,
                        filter == null || filter.isNull() ? null : Json.decodeValue(filter.toString()),
                        trace)
                .map(hits -> ToolOutcome.ok(hits.encode()))
                .onFailure().recoverWithItem(failure -> ToolOutcome.failed("knowledge search failed: "
                        + (failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage())));
    }
}
