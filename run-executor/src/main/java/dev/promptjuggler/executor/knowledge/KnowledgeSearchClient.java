package dev.promptjuggler.executor.knowledge;

import dev.promptjuggler.executor.config.ExecutorConfig;
import dev.promptjuggler.executor.persistence.DefinitionLookup;
import dev.promptjuggler.runtime.tracing.TraceParent;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.tracing.TracingPolicy;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.ext.web.client.WebClient;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

/**
 * knowledge-ingest's vector search, for the {@code knowledge_search} tool and the KB Search workflow node:
 * one knowledge base of the run's tenant (by id or slug), the best chunks for a query. Each search is a span of the
 * run's trace, under the tool call or node that made it, and its request carries that span's {@code traceparent},
 * so knowledge-ingest's search (and the embedding of the query) continue the run's trace.
 */
@ApplicationScoped
public class KnowledgeSearchClient {

    private final DefinitionLookup definitions;
    private final WebClient web;
    private final String url;
    private final Tracer tracer;

    public KnowledgeSearchClient(DefinitionLookup definitions, Vertx vertx, ExecutorConfig config, Tracer tracer) {
        this.definitions = definitions;
        this.tracer = tracer;
        // The client's own span would take whatever context is current on the run's Vert.x context (none) and start
        // a trace of its own; the search's span below is the run's instead.
        this.web = WebClient.create(vertx, new WebClientOptions().setTracingPolicy(TracingPolicy.IGNORE));
        this.url = config.tools().knowledge().url().replaceAll("/+$", "");
    }

    /**
     * @param minScore null for no minimum
     * @param filter   conditions on the chunks' metadata (knowledge-ingest's MetadataFilter), null for none
     * @param trace    the span the search belongs under: the tool call's or the KB Search node's
     * @return the hits as knowledge-ingest returns them (content, fileName, page, headingPath, score, …), best
     *         first; a failed Uni whose message says what went wrong
     */
    public Uni<JsonArray> search(UUID tenantId, String knowledgeBase, String query, int topK, Double minScore,
            Object filter, Context trace) {
        return definitions.knowledgeBase(tenantId, knowledgeBase)
                .map(found -> found.orElseThrow(() -> new IllegalStateException("knowledge base " + knowledgeBase + " not found")))
                .chain(id -> search(id, body(tenantId, query, topK, minScore, filter), trace));
    }

    private Uni<JsonArray> search(UUID knowledgeBaseId, JsonObject body, Context trace) {
        Span span = tracer.spanBuilder("knowledge search")
                .setParent(trace)
                .setSpanKind(SpanKind.CLIENT)
                .setAttribute("promptjuggler.knowledge_base.id", knowledgeBaseId.toString())
                .setAttribute("http.request.method", "POST")
                .startSpan();
        var request = web.postAbs(url + "/internal/v1/knowledge-bases/" + knowledgeBaseId + "/search");
        TraceParent.headers(trace.with(span)).forEach(header -> request.putHeader(header.getKey(), header.getValue()));
        return request.sendJson(body)
                .map(response -> {
                    span.setAttribute("http.response.status_code", response.statusCode());
                    if (response.statusCode() != 200) {
                        throw new IllegalStateException("knowledge search answered " + response.statusCode() + ": "
                                + response.bodyAsString());
                    }
                    return response.bodyAsJsonObject().getJsonArray("results");
                })
                .onFailure().invoke(failure -> span.setStatus(StatusCode.ERROR))
                .onTermination().invoke(span::end);
    }

    private static JsonObject body(UUID tenantId, String query, int topK, Double minScore, Object filter) {
        JsonObject body = new JsonObject().put("tenantId", tenantId.toString()).put("query", query).put("topK", topK)
                .put("filter", filter);
        return minScore == null ? body : body.put("minScore", minScore);
    }

    @PreDestroy
    void close() {
        web.close();
    }
}
