package dev.promptjuggler.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptjuggler.gateway.persistence.RunRepository.RunRow;
import java.util.List;
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

    /** {@code TokenUsage} without {@code inputCacheWrite}: optional in the TypeScript SDK, unknown to Go's. */
    static final List<String> TOKEN_USAGE = List.of("input", "inputCached", "output", "reasoning", "total",
            "serviceTier");

    /**
     * {@code ModelCost} without {@code cacheWrite}, which no Go or Java SDK knows; its amount is counted in
     * {@code input} (cache writes are input tokens), so the parts still add up to {@code total}.
     */
    static final List<String> MODEL_COST = List.of("input", "cachedInput", "output", "webSearch", "total");

    private SdkShapes() {
    }

    static <T> RestResponse<T> withRevision(T body, RunRow run) {
        return RestResponse.ResponseBuilder.ok(body)
                .header(REVISION_ID, run.revisionId().toString())
                .header(REVISION_VERSION, Integer.toString(run.revisionVersion()))
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
