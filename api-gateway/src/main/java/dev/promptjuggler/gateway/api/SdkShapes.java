package dev.promptjuggler.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptjuggler.gateway.persistence.DefinitionRepository.RevisionRow;
import dev.promptjuggler.gateway.persistence.RunRepository.RunRow;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.resteasy.reactive.RestResponse;

/**
 * What the public API answers in: the SDK's models and nothing more. The Go SDK decodes {@code PromptRun},
 * {@code WorkflowRun}, {@code TokenUsage} and {@code ModelCost} with {@code DisallowUnknownFields}, so one extra
 * key makes its client fail. run-executor stores usage and cost with more than the SDKs know (Anthropic's cache
 * writes), so they are cut to the fields every SDK decodes here; docs/api.md ("Public shapes") says which and
 * why. Which revision a run resolved to travels in headers.
 */
final class SdkShapes {

    /** The revision a run ran, on run reads and on run webhooks (the dispatcher sets the same two). */
    static final String REVISION_ID = "PromptJuggler-Revision-Id";
    static final String REVISION_VERSION = "PromptJuggler-Revision-Version";
    /** {@link #REVISION_VERSION} of a draft run. */
    static final String DRAFT = "draft";

    /** {@code TokenUsage} without {@code inputCacheWrite}: optional in the TypeScript SDK, unknown to Go's. */
    static final List<String> TOKEN_USAGE = List.of("input", "inputCached", "output", "reasoning", "total",
            "serviceTier");

    /**
     * {@code ModelCost} without {@code cacheWrite}, which no Go or Java SDK knows; its amount is counted in
     * {@code input} (cache writes are input tokens), so the parts still add up to {@code total}.
     */
    static final List<String> MODEL_COST = List.of("input", "cachedInput", "output", "webSearch", "total");

    /** {@code ModelParams}. */
    static final List<String> MODEL_PARAMS = List.of("maxCompletionTokens", "temperature", "topP", "verbosity",
            "reasoningEffort", "reasoningSummary", "serviceTier");

    /** {@code ResponseFormat} by its {@code type}: {@code TextFormat}, {@code JsonObjectFormat}, {@code JsonSchemaFormat}. */
    static final Map<String, List<String>> RESPONSE_FORMATS = Map.of("text", List.of("type"),
            "json_object", List.of("type"),
            "json_schema", List.of("type", "name", "schema", "strict", "description"));

    /** {@code Tool} by its {@code type}: {@code Emit}, {@code HttpCall}, {@code KnowledgeSearch}, … */
    static final Map<String, List<String>> TOOLS = Map.of(
            "emit", List.of("type", "name", "description", "failFast", "paramsSchema"),
            "http", List.of("type", "name", "description", "failFast", "paramsSchema", "url", "method", "headers"),
            "knowledge_search", List.of("type", "name", "description", "failFast", "knowledgeBaseId"),
            "mcp", List.of("type", "name", "url", "authorizationToken", "allowedTools"),
            "prompt", List.of("type", "name", "description", "failFast", "versionRef"),
            "workflow", List.of("type", "name", "description", "failFast", "versionRef"),
            "script", List.of("type", "name", "description", "failFast", "language", "code"),
            "web_search", List.of("type", "allowedDomains"));

    private SdkShapes() {
    }

    /**
     * A published prompt's stored settings cut to the SDK's models: drafts are saved as the editor sends them,
     * and a key the SDKs do not know must not reach their decoders.
     */
    static Map<String, Object> modelParams(Map<String, Object> stored) {
        return only(stored, MODEL_PARAMS);
    }

    static Map<String, Object> responseFormat(Map<String, Object> stored) {
        return only(stored, RESPONSE_FORMATS.getOrDefault(String.valueOf(stored.get("type")), List.of("type")));
    }

    static List<Map<String, Object>> tools(List<Map<String, Object>> stored) {
        return stored.stream().map(tool -> {
            Map<String, Object> shaped = only(tool, TOOLS.getOrDefault(String.valueOf(tool.get("type")), List.of("type")));
            if (shaped.get("versionRef") instanceof Map<?, ?> ref) {
                Map<String, Object> versionRef = new LinkedHashMap<>();
                versionRef.put("definitionId", ref.get("definitionId"));
                versionRef.put("idOrTag", ref.get("idOrTag"));
                shaped.put("versionRef", versionRef);
            }
            if (shaped.get("headers") instanceof List<?> headers) {
                shaped.put("headers", headers.stream().map(header -> header instanceof Map<?, ?> pair
                        ? Map.of("key", String.valueOf(pair.get("key")), "value", String.valueOf(pair.get("value")))
                        : header).toList());
            }
            return shaped;
        }).toList();
    }

    private static Map<String, Object> only(Map<String, Object> source, List<String> fields) {
        Map<String, Object> shaped = new LinkedHashMap<>();
        for (String field : fields) {
            if (source.containsKey(field)) {
                shaped.put(field, source.get(field));
            }
        }
        return shaped;
    }

    /** The revision headers; a draft run's version is {@code draft} (its snapshot is no published version). */
    static <T> RestResponse<T> withRevision(T body, RunRow run) {
        return RestResponse.ResponseBuilder.ok(body)
                .header(REVISION_ID, run.revisionId().toString())
                .header(REVISION_VERSION, run.revisionVersion() == RevisionRow.DRAFT_VERSION ? DRAFT
                        : Integer.toString(run.revisionVersion()))
                .build();
    }

    static JsonNode tokenUsage(JsonNode stored) {
        if (stored == null || !stored.isObject()) {
            return stored;
        }
        ObjectNode usage = JsonNodeFactory.instance.objectNode();
        for (String field : TOKEN_USAGE) {
            if (stored.has(field) && !stored.get(field).isNull()) {
                usage.set(field, stored.get(field));
            }
        }
        return usage;
    }

    /** {@code RunCost}: {@code success}, {@code retries} (each a {@code ModelCost}) and {@code total}. */
    static JsonNode cost(JsonNode stored) {
        if (stored == null || !stored.isObject()) {
            return stored;
        }
        ObjectNode cost = JsonNodeFactory.instance.objectNode();
        cost.set("success", modelCost(stored.get("success")));
        cost.set("retries", modelCost(stored.get("retries")));
        cost.set("total", stored.get("total"));
        return cost;
    }

    private static JsonNode modelCost(JsonNode stored) {
        if (stored == null || !stored.isObject()) {
            return stored;
        }
        ObjectNode cost = JsonNodeFactory.instance.objectNode();
        cost.put("input", stored.path("input").asDouble() + stored.path("cacheWrite").asDouble());
        for (String field : MODEL_COST.subList(1, MODEL_COST.size())) {
            cost.set(field, stored.get(field));
        }
        return cost;
    }
}
