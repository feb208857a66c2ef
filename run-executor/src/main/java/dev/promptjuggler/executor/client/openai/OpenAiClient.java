package dev.promptjuggler.executor.client.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.promptjuggler.executor.client.ProviderException;
import dev.promptjuggler.executor.config.ExecutorConfig;
import dev.promptjuggler.executor.config.ProvidersConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.ext.web.client.HttpResponse;
import io.vertx.mutiny.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

/** OpenAI's Chat Completions API over the Vert.x Web Client. The base URL decides real API or simulator. */
@ApplicationScoped
public class OpenAiClient {

    private final WebClient client;
    private final ProvidersConfig.OpenAi config;
    private final ObjectMapper json;
    private final String completionsUrl;

    public OpenAiClient(Vertx vertx, ProvidersConfig config, ExecutorConfig executor, ObjectMapper json) {
        this.config = config.openai();
        this.json = json;
        this.client = WebClient.create(vertx, new WebClientOptions()
                .setUserAgent("promptjuggler-platform/run-executor")
                // One connection per run in flight: the default pool (5) would queue the rest of the slots.
                .setMaxPoolSize(executor.maxInFlight())
                .setConnectTimeout((int) this.config.timeout().toMillis()));
        this.completionsUrl = this.config.baseUrl().replaceAll("/+$", "") + "/chat/completions";
    }

    /** The run's environment variable that carries its own OpenAI key. */
    public static final String API_KEY_VARIABLE = "OPENAI_API_KEY";

    /** @param runApiKey the run's own key, or null for the service's */
    public Uni<ChatCompletionResponse> complete(ChatCompletionRequest request, String runApiKey) {
        return client.postAbs(completionsUrl)
                .bearerTokenAuthentication(runApiKey != null ? runApiKey : config.apiKey())
                .timeout(config.timeout().toMillis())
                .sendJson(JsonObject.mapFrom(request))
                .map(this::decode);
    }

    private ChatCompletionResponse decode(HttpResponse<?> response) {
        String body = response.bodyAsString();
        if (response.statusCode() / 100 != 2) {
            throw new ProviderException("openai", response.statusCode(), errorMessage(body));
        }
        try {
            return json.readValue(body, ChatCompletionResponse.class);
        } catch (Exception e) {
            throw new ProviderException("openai", response.statusCode(), "unreadable response: " + e.getMessage());
        }
    }

    /** OpenAI reports errors as {@code {"error": {"message": ...}}}. */
    private String errorMessage(String body) {
        try {
            JsonNode message = json.readTree(body).path("error").path("message");
            return message.isTextual() ? message.asText() : body;
        } catch (Exception e) {
            return body;
        }
    }

    @PreDestroy
    void close() {
        client.close();
    }
}
