package dev.promptjuggler.executor.client.gemini;

import dev.promptjuggler.executor.client.ProviderHttp;
import dev.promptjuggler.executor.config.ProvidersConfig;
import dev.promptjuggler.executor.llm.ChatModelClient;
import dev.promptjuggler.executor.llm.ChatRequest;
import dev.promptjuggler.executor.llm.ChatResponse;
import dev.promptjuggler.executor.llm.TextListener;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Gemini's generateContent ({@code POST <base-url>/models/<model>:generateContent}, {@code x-goog-api-key}); streamed
 * ({@code providers.gemini.stream}): {@code :streamGenerateContent?alt=sse}.
 */
@ApplicationScoped
public class GeminiClient implements ChatModelClient {

    public static final String PROVIDER = "gemini";

    /** The run's environment variable that carries its own Gemini key. */
    public static final String API_KEY_VARIABLE = "GEMINI_API_KEY";

    private final ProviderHttp http;
    private final ProvidersConfig.Provider config;
    private final String baseUrl;

    public GeminiClient(ProviderHttp http, ProvidersConfig config) {
        this.http = http;
        this.config = config.gemini();
        this.baseUrl = this.config.baseUrl().replaceAll("/+$", "");
    }

    @Override
    public String provider() {
        return PROVIDER;
    }

    @Override
    public Uni<ChatResponse> complete(ChatRequest request, Map<String, String> variables, TextListener listener) {
        String model = baseUrl + "/models/" + URLEncoder.encode(request.model(), StandardCharsets.UTF_8);
        Uni<String> key = Uni.createFrom().item(() -> ProviderHttp.apiKey(PROVIDER, variables, API_KEY_VARIABLE,
                config.apiKey()));
        if (!config.stream()) {
            return key.chain(k -> http.post(PROVIDER, model + ":generateContent", Map.of("x-goog-api-key", k),
                            GeminiWire.request(request), config.timeout()))
                    .map(GeminiWire::response)
                    .invoke(response -> ChatResponse.tell(response, listener));
        }
        return key.chain(k -> {
            GeminiStream stream = new GeminiStream(listener);
            return http.stream(PROVIDER, model + ":streamGenerateContent?alt=sse", Map.of("x-goog-api-key", k),
                            GeminiWire.request(request), config.timeout(), stream::accept)
                    .map(ended -> GeminiWire.response(stream.answer()));
        });
    }
}
