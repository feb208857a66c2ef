package dev.promptjuggler.executor.client.openai;

import dev.promptjuggler.executor.client.ProviderHttp;
import dev.promptjuggler.executor.config.ProvidersConfig;
import dev.promptjuggler.executor.llm.ChatModelClient;
import dev.promptjuggler.executor.llm.ChatRequest;
import dev.promptjuggler.executor.llm.ChatResponse;
import io.smallrye.mutiny.Uni;
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

    @Override
    public Uni<ChatResponse> complete(ChatRequest request, Map<String, String> variables) {
        return Uni.createFrom().item(() -> ProviderHttp.apiKey(PROVIDER, variables, API_KEY_VARIABLE, config.apiKey()))
                .chain(key -> http.post(PROVIDER, url, Map.of("Authorization", "Bearer " + key),
                        OpenAiWire.request(request), config.timeout()))
                .map(body -> OpenAiWire.response(body, request.webSearch() != null));
    }
}
