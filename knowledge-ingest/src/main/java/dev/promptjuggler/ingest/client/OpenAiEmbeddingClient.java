package dev.promptjuggler.ingest.client;

import dev.promptjuggler.ingest.config.IngestConfig;
import dev.promptjuggler.runtime.tracing.TraceParent;
import io.opentelemetry.context.Context;
import io.smallrye.mutiny.Uni;
import io.vertx.core.tracing.TracingPolicy;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.ext.web.client.WebClient;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

/**
 * An OpenAI-compatible {@code POST /embeddings} endpoint, for knowledge bases that choose one. Its requests carry the
 * {@code traceparent} of the embedding call's span (Embeddings), not a span of the client's own: that one would take
 * whatever context is current on the Vert.x context, none for a document's batches.
 */
@ApplicationScoped
public class OpenAiEmbeddingClient {

    private final WebClient client;
    private final IngestConfig.OpenAi config;

    public OpenAiEmbeddingClient(Vertx vertx, IngestConfig config) {
        this.client = WebClient.create(vertx, new WebClientOptions().setTracingPolicy(TracingPolicy.IGNORE));
        this.config = config.openai();
    }

    /** @param trace the embedding call's span, which the request continues */
    public Uni<List<float[]>> embed(String model, int dimensions, List<String> texts, Context trace) {
        JsonObject body = JsonObject.of("model", model, "input", new JsonArray(texts), "dimensions", dimensions,
                "encoding_format", "float");
        var request = client.postAbs(config.baseUrl().replaceAll("/$", "") + "/embeddings")
                .timeout(config.timeout().toMillis());
        config.apiKey().ifPresent(key -> request.bearerTokenAuthentication(key));
        TraceParent.headers(trace).forEach(header -> request.putHeader(header.getKey(), header.getValue()));
        return request.sendJsonObject(body).map(response -> {
            int status = response.statusCode();
            if (status == 408 || status == 429 || status >= 500) {
                throw new EmbeddingUnavailableException("embeddings endpoint answered " + status);
            }
            if (status != 200) {
                throw new EmbeddingFailedException("embeddings endpoint answered " + status);
            }
            JsonArray data = response.bodyAsJsonObject().getJsonArray("data");
            float[][] vectors = new float[texts.size()][];
            for (int i = 0; i < data.size(); i++) {
                JsonObject item = data.getJsonObject(i);
                JsonArray values = item.getJsonArray("embedding");
                float[] vector = new float[values.size()];
                for (int d = 0; d < vector.length; d++) {
                    vector[d] = values.getNumber(d).floatValue();
                }
                if (vector.length != dimensions) {
                    throw new EmbeddingFailedException("embeddings endpoint returned " + vector.length
                            + " dimensions, the knowledge base records " + dimensions);
                }
                vectors[item.getInteger("index", i)] = vector;
            }
            List<float[]> ordered = new ArrayList<>(List.of(vectors));
            if (ordered.contains(null)) {
                throw new EmbeddingFailedException("embeddings endpoint returned fewer vectors than texts");
            }
            return ordered;
        });
    }

    @PreDestroy
    void close() {
        client.close();
    }

    /** The endpoint refused or answered nonsense; the document fails with this reason. */
    public static class EmbeddingFailedException extends RuntimeException {
        public EmbeddingFailedException(String message) {
            super(message);
        }
    }

    /**
     * The endpoint is busy or down for now (408, 429, 5xx): worth trying again later, so the document is retried
     * like after any infrastructure failure, never failed for it.
     */
    public static class EmbeddingUnavailableException extends RuntimeException {
        public EmbeddingUnavailableException(String message) {
            super(message);
        }
    }
}
