package dev.promptjuggler.dispatcher.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local webhook receiver standing in for a customer's endpoint: it keeps every request, answers each
 * path with scripted responses (then 200), and can hold requests unanswered until released.
 */
public final class Receiver implements AutoCloseable {

    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Map<String, Deque<Reply>> scripts = new ConcurrentHashMap<>();
    private final Map<String, CountDownLatch> holds = new ConcurrentHashMap<>();
    private final AtomicInteger held = new AtomicInteger();

    private Receiver(HttpServer server) {
        this.server = server;
    }

    public static Receiver start() {
        return start(0);
    }

    public static Receiver start(int port) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 200);
            Receiver receiver = new Receiver(server);
            server.createContext("/", receiver::handle);
            server.setExecutor(Executors.newCachedThreadPool());
            server.start();
            return receiver;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** The next requests to {@code path} get these replies, in order; later ones get 200. */
    public void script(String path, Reply... replies) {
        scripts.computeIfAbsent(path, p -> new ArrayDeque<>()).addAll(List.of(replies));
    }

    /** Requests to {@code path} wait unanswered until {@link #release(String)}. */
    public void hold(String path) {
        holds.put(path, new CountDownLatch(1));
    }

    public void release(String path) {
        CountDownLatch latch = holds.remove(path);
        if (latch != null) {
            latch.countDown();
        }
    }

    /** Requests waiting unanswered right now. */
    public int held() {
        return held.get();
    }

    public List<Received> received(String path) {
        return received.stream().filter(r -> r.path().equals(path)).toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange; InputStream body = exchange.getRequestBody()) {
            String path = exchange.getRequestURI().getPath();
            Map<String, String> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            exchange.getRequestHeaders().forEach((name, values) -> headers.put(name, String.join(",", values)));
            received.add(new Received(path, headers, new String(body.readAllBytes(), StandardCharsets.UTF_8)));
            CountDownLatch hold = holds.get(path);
            if (hold != null) {
                held.incrementAndGet();
                try {
                    hold.await(5, TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    held.decrementAndGet();
                }
            }
            Deque<Reply> script = scripts.get(path);
            Reply reply;
            synchronized (this) {
                reply = script == null || script.isEmpty() ? new Reply(200, Map.of(), "ok") : script.poll();
            }
            reply.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
            byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(reply.status(), bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                exchange.getResponseBody().write(bytes);
            }
        }
    }

    @Override
    public void close() {
        holds.values().forEach(CountDownLatch::countDown);
        server.stop(0);
    }

    public record Received(String path, Map<String, String> headers, String body) {

        public String header(String name) {
            return headers.get(name);
        }
    }

    public record Reply(int status, Map<String, String> headers, String body) {

        public static Reply status(int status) {
            return new Reply(status, Map.of(), "status " + status);
        }
    }
}
