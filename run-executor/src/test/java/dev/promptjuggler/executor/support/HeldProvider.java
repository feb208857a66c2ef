package dev.promptjuggler.executor.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;

/**
 * An LLM provider (OpenAI's Chat Completions shape) whose answers the test hands out one at a time: each
 * request is held until {@link #releaseOldest()}. Runs stay in flight exactly as long as the test says,
 * so the order the scheduler starts them in is decided by the scheduler alone, never by timing. Requests
 * whose messages do not contain {@link #HOLD_MARKER} are answered at once.
 */
public class HeldProvider implements QuarkusTestResourceLifecycleManager {

    public static final String HOLD_MARKER = "[hold]";

    private static final Deque<CountDownLatch> HELD = new ArrayDeque<>();
    private static HttpServer server;

    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/v1/chat/completions", HeldProvider::answer);
        server.start();
        return Map.of("providers.openai.base-url", "http://127.0.0.1:" + server.getAddress().getPort() + "/v1");
    }

    @Override
    public void stop() {
        releaseAll();
        server.stop(0);
    }

    /** Requests waiting for their answer. */
    public static int held() {
        synchronized (HELD) {
            return HELD.size();
        }
    }

    /** Answers the request that has waited longest. */
    public static void releaseOldest() {
        synchronized (HELD) {
            CountDownLatch oldest = HELD.pollFirst();
            if (oldest == null) {
                throw new IllegalStateException("no request is held");
            }
            oldest.countDown();
        }
    }

    public static void releaseAll() {
        synchronized (HELD) {
            HELD.forEach(CountDownLatch::countDown);
            HELD.clear();
        }
    }

    private static void answer(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        if (body.contains(HOLD_MARKER)) {
            CountDownLatch release = new CountDownLatch(1);
            synchronized (HELD) {
                HELD.addLast(release);
            }
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (body.replace(" ", "").contains("\"stream\":true")) {
            // The streamed form of the same answer, as OpenAI sends it with stream_options.include_usage.
            String chunk = "{\"id\":\"chatcmpl-held\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-5.5\",";
            byte[] events = ("data: " + chunk + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\","
                    + "\"content\":\"answered\"},\"finish_reason\":null}],\"usage\":null}\n\n"
                    + "data: " + chunk + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],\"usage\":null}\n\n"
                    + "data: " + chunk + "\"choices\":[],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1,"
                    + "\"total_tokens\":2}}\n\ndata: [DONE]\n\n").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, events.length);
            exchange.getResponseBody().write(events);
            exchange.close();
            return;
        }
        byte[] answer = ("{\"id\":\"chatcmpl-held\",\"object\":\"chat.completion\",\"model\":\"gpt-5.5\","
                + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"answered\",\"refusal\":null},"
                + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1,\"total_tokens\":2}}")
                .getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, answer.length);
        exchange.getResponseBody().write(answer);
        exchange.close();
    }
}
