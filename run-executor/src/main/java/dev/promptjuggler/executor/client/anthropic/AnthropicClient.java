package dev.promptjuggler.executor.client.anthropic;

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

/** Anthropic's Messages API ({@code POST <base-url>/messages}, {@code x-api-key}, {@code anthropic-version}). */
@ApplicationScoped
public class AnthropicClient implements ChatModelClient {

    public static final String PROVIDER = "anthropic";

    /** The run's environment variable that carries its own Anthropic key. */
    public static final String API_KEY_VARIABLE = "ANTHROPIC_API_KEY";

    /** The API version this client speaks. */
    static final String VERSION = "2023-06-01";

    private final ProviderHttp http;
    private final ProvidersConfig.Anthropic config;
    private final String url;

    public AnthropicClient(ProviderHttp http, ProvidersConfig config) {
        this.http = http;
        this.config = config.anthropic();
        this.url = this.config.baseUrl().replaceAll("/+$", "") + "/messages";
    }

    @Override
    public String provider() {
        return PROVIDER;
    }

    /** Streamed ({@code providers.anthropic.stream}): {@code stream: true}, the Messages API's event types. */
    @Override
    public Uni<ChatResponse> complete(ChatRequest request, Map<String, String> variables, TextListener listener) {
        Uni<String> key = Uni.createFrom().item(() -> ProviderHttp.apiKey(PROVIDER, variables, API_KEY_VARIABLE,
                config.apiKey()));
        JsonObject body = AnthropicWire.request(request, config.defaultMaxTokens());
        if (!config.stream()) {
            return key.chain(k -> http.post(PROVIDER, url, headers(k), body, config.timeout()))
                    .map(AnthropicWire::response)
                    .invoke(response -> ChatResponse.tell(response, listener));
        }
        return key.chain(k -> {
            AnthropicStream stream = new AnthropicStream(listener);
            return http.stream(PROVIDER, url, headers(k), body.put("stream", true), config.timeout(), stream::accept)
                    .map(ended -> AnthropicWire.response(stream.message()));
        });
    }

    private static Map<String, String> headers(String key) {
        return Map.of("x-api-key", key, "anthropic-version", VERSION);
    }
}
