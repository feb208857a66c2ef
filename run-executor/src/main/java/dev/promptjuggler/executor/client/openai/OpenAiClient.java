package dev.promptjuggler.executor.client.openai;

import dev.promptjuggler.executor.client.ProviderHttp;
import dev.promptjuggler.executor.config.ProvidersConfig;
import dev.promptjuggler.executor.llm.ChatModelClient;
import dev.promptjuggler.executor.llm.ChatRequest;
import dev.promptjuggler.executor.llm.ChatResponse;
import dev.promptjuggler.executor.llm.TextListener;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;

/** OpenAI's Chat Completions API ({@code POST <base-url>/chat/completions}, Bearer key). */
@ApplicationScoped
public class OpenAiClient implements ChatModelClient {

    public static final String PROVIDER = "openai";

    /** The run's environment variable that carries its own OpenAI key. */
    public static final String API_KEY_VARIABLE = "OPENAI_API_KEY";

    private final ProviderHttp http;
    private final ProvidersConfig.Provider config;
    private final String url;

    public OpenAiClient(ProviderHttp http, ProvidersConfig config) {
        this.http = http;
        this.config = config.openai();
        this.url = this.config.baseUrl().replaceAll("/+$", "") + "/chat/completions";
    }

    @Override
    public String provider() {
        return PROVIDER;
    }

    /** Streamed ({@code providers.openai.stream}): {@code stream: true} with the usage in the last chunk. */
    @Override
    public Uni<ChatResponse> complete(ChatRequest request, Map<String, String> variables, TextListener listener) {
        Uni<String> key = Uni.createFrom().item(() -> ProviderHttp.apiKey(PROVIDER, variables, API_KEY_VARIABLE,
                config.apiKey()));
        if (!config.stream()) {
            return key.chain(k -> http.post(PROVIDER, url, headers(k), OpenAiWire.request(request), config.timeout()))
                    .map(body -> OpenAiWire.response(body, request.webSearch() != null))
                    .invoke(response -> ChatResponse.tell(response, listener));
        }
        JsonObject body = OpenAiWire.request(request).put("stream", true)
                .put("stream_options", new JsonObject().put("include_usage", true));
        return key.chain(k -> {
            OpenAiStream stream = new OpenAiStream(listener);
            return http.stream(PROVIDER, url, headers(k), body, config.timeout(), stream::accept)
                    .map(ended -> OpenAiWire.response(stream.completion(), request.webSearch() != null));
        });
    }

    private static Map<String, String> headers(String key) {
        return Map.of("Authorization", "Bearer " + key);
    }
}
