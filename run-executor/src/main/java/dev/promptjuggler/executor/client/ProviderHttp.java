package dev.promptjuggler.executor.client;

import dev.promptjuggler.executor.config.ExecutorConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.MultiMap;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.ext.web.client.HttpResponse;
import io.vertx.mutiny.ext.web.client.WebClient;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

/**
 * The one Vert.x Web Client every provider client posts through: JSON in, JSON out, and every failure turned into
 * a {@link ProviderException} with the provider's own message and retry hint.
 */
@ApplicationScoped
public class ProviderHttp {

    /**
     * Vert.x's HTTP/1.1 pool finds a free connection by scanning all of its connections to the host, so with one
     * pool the cost of each request grew with the runs in flight (with thousands in flight that scan was the
     * executor's hottest method: docs/benchmarks.md, executor, runs h and i). Requests are spread round-robin
     * over this many pools instead.
     */
    private static final int POOLS = 16;

    private final List<WebClient> clients;
    private final AtomicInteger next = new AtomicInteger();

    public ProviderHttp(Vertx vertx, ExecutorConfig executor) {
        WebClientOptions options = new WebClientOptions()
                .setUserAgent("promptjuggler-platform/run-executor")
                // Up to one connection per run in flight in any pool: the default (5) would queue the rest.
                .setMaxPoolSize(executor.maxInFlight())
                // A provider that takes longer than this to accept a connection is down; the request timeout
                // (providers.<name>.timeout) bounds the whole call.
                .setConnectTimeout(10_000);
        this.clients = IntStream.range(0, POOLS).mapToObj(pool -> WebClient.create(vertx, options)).toList();
    }

    /**
     * @param headers authentication and version headers; their values are never logged nor put in messages
     */
    public Uni<JsonObject> post(String provider, String url, Map<String, String> headers, JsonObject body,
            Duration timeout) {
        WebClient client = clients.get(Math.floorMod(next.getAndIncrement(), POOLS));
        var request = client.postAbs(url).timeout(timeout.toMillis());
        headers.forEach(request::putHeader);
        return request.sendJsonObject(body)
                .onFailure().transform(failure -> new ProviderException(provider, 0, describe(failure), null))
                .map(response -> decode(provider, response));
    }

    /**
     * The run's own key (its environment variable) wins over the service's.
     *
     * @throws IllegalStateException when neither exists
     */
    public static String apiKey(String provider, Map<String, String> variables, String variable,
            Optional<String> configured) {
        String own = variables.get(variable);
        if (own != null && !own.isBlank()) {
            return own;
        }
        return configured.filter(key -> !key.isBlank()).orElseThrow(() -> new IllegalStateException(
                "no API key for " + provider + ": set the environment variable " + variable
                        + " or the service's providers." + provider + ".api-key"));
    }

    private static JsonObject decode(String provider, HttpResponse<?> response) {
        String body = response.bodyAsString();
        JsonObject json;
        try {
            json = body == null || body.isBlank() ? null : new JsonObject(body);
        } catch (DecodeException e) {
            json = null;
        }
        int status = response.statusCode();
        if (status / 100 == 2) {
            if (json == null) {
                throw new ProviderException(provider, status, "the answer is not a JSON object", null);
            }
            return json;
        }
        throw new ProviderException(provider, status, errorMessage(json, body),
                RetryHint.of(response.headers(), json, Instant.now()));
    }

    /** OpenAI, Anthropic and Gemini all put their message at {@code error.message}. */
    private static String errorMessage(JsonObject json, String body) {
        Object error = json == null ? null : json.getValue("error");
        if (error instanceof JsonObject object && object.getValue("message") instanceof String message) {
            return message;
        }
        return body == null || body.isBlank() ? "(no body)" : body;
    }

    private static String describe(Throwable failure) {
        return failure.getMessage() != null ? failure.getMessage() : failure.getClass().getSimpleName();
    }

    @PreDestroy
    void close() {
        clients.forEach(WebClient::close);
    }
}
