package dev.promptjuggler.executor.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;

/**
 * An LLM provider (OpenAI's Chat Completions shape) that refuses the first request of each text containing
 * {@link #FLAKY_MARKER} with a 503 and {@code Retry-After: 0}, and answers every other request at once with one
 * input and one output token: a run of such a text takes exactly one failed attempt, one retry after a hinted
 * wait, and one answer.
 */
public class FlakyProvider implements QuarkusTestResourceLifecycleManager {

    public static final String FLAKY_MARKER = "[flaky]";

    private static final Set<String> REFUSED = ConcurrentHashMap.newKeySet();
    private static HttpServer server;

    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/v1/chat/completions", FlakyProvider::answer);
        server.start();
        // Answers whole (not streamed): the meters are the same either way, and StreamFramesTest covers streaming.
        return Map.of("providers.openai.base-url", "http://127.0.0.1:" + server.getAddress().getPort() + "/v1",
                "providers.openai.stream", "false");
    }

    @Override
    public void stop() {
        server.stop(0);
    }

    private static void answer(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        if (body.contains(FLAKY_MARKER) && REFUSED.add(body)) {
            byte[] error = "{\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.getResponseHeaders().add("Retry-After", "0");
            exchange.sendResponseHeaders(503, error.length);
            exchange.getResponseBody().write(error);
            exchange.close();
            return;
        }
        byte[] answer = ("{\"id\":\"chatcmpl-flaky\",\"object\":\"chat.completion\",\"model\":\"gpt-5.5\","
                + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"answered\",\"refusal\":null},"
                + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1,\"total_tokens\":2}}")
                .getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, answer.length);
        exchange.getResponseBody().write(answer);
        exchange.close();
    }
}
