package dev.promptjuggler.ingest.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An OpenAI-compatible embeddings endpoint standing in for one having a bad moment: for the model
 * {@link #BUSY_ONCE} it answers 503 to the first request and embeds from then on; for {@link #REFUSED} it
 * always answers 400. Vectors have {@link #DIMENSIONS} dimensions.
 */
public class FlakyEmbeddings implements QuarkusTestResourceLifecycleManager {

    public static final String BUSY_ONCE = "busy-once";
    public static final String REFUSED = "refused";
    public static final int DIMENSIONS = 8;

    private static final AtomicInteger BUSY_ONCE_REQUESTS = new AtomicInteger();
    private static HttpServer server;

    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/v1/embeddings", FlakyEmbeddings::answer);
        server.start();
        return Map.of("ingest.openai.base-url", "http://127.0.0.1:" + server.getAddress().getPort() + "/v1");
    }

    @Override
    public void stop() {
        server.stop(0);
    }

    /** Requests for the {@link #BUSY_ONCE} model so far, the refused one included. */
    public static int busyOnceRequests() {
        return BUSY_ONCE_REQUESTS.get();
    }

    private static void answer(HttpExchange exchange) throws IOException {
        JsonObject request = new JsonObject(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        String model = request.getString("model");
        if (REFUSED.equals(model)) {
            reply(exchange, 400, new JsonObject().put("error", new JsonObject().put("message", "no such model")));
        } else if (BUSY_ONCE.equals(model) && BUSY_ONCE_REQUESTS.incrementAndGet() == 1) {
            reply(exchange, 503, new JsonObject().put("error", new JsonObject().put("message", "overloaded")));
        } else {
            JsonArray data = new JsonArray();
            JsonArray input = request.getJsonArray("input");
            for (int i = 0; i < input.size(); i++) {
                JsonArray vector = new JsonArray();
                for (int d = 0; d < DIMENSIONS; d++) {
                    vector.add(d == i % DIMENSIONS ? 1.0 : 0.0);
                }
                data.add(new JsonObject().put("object", "embedding").put("index", i).put("embedding", vector));
            }
            reply(exchange, 200, new JsonObject().put("object", "list").put("data", data).put("model", model));
        }
    }

    private static void reply(HttpExchange exchange, int status, JsonObject body) throws IOException {
        byte[] bytes = body.encode().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }
}
