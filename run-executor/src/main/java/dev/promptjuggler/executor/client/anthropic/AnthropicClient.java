package dev.promptjuggler.executor.client.anthropic;

import dev.promptjuggler.executor.client.ProviderHttp;
import dev.promptjuggler.executor.config.ProvidersConfig;
import dev.promptjuggler.executor.llm.ChatModelClient;
import dev.promptjuggler.executor.llm.ChatRequest;
import dev.promptjuggler.executor.llm.ChatResponse;
import io.smallrye.mutiny.Uni;
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

    @Override
    public Uni<ChatResponse> complete(ChatRequest request, Map<String, String> variables) {
        return Uni.createFrom().item(() -> ProviderHttp.apiKey(PROVIDER, variables, API_KEY_VARIABLE, config.apiKey()))
                .chain(key -> http.post(PROVIDER, url, Map.of("x-api-key", key, "anthropic-version", VERSION),
                        AnthropicWire.request(request, config.defaultMaxTokens()), config.timeout()))
                .map(AnthropicWire::response);
    }
}
