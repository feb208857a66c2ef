package dev.promptjuggler.runtime.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.promptjuggler.contracts.net.AddressPolicy;
import dev.promptjuggler.contracts.net.OutboundUrl;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Against a local HTTP server on loopback, which the policy refuses unless its allow-list covers it. */
class GuardedHttpTest {

    private static final CountDownLatch NEVER = new CountDownLatch(1);
    private static final AtomicInteger REQUESTS = new AtomicInteger();
    private static final AtomicReference<String> LAST_HOST = new AtomicReference<>();
    private static final AtomicReference<String> LAST_BODY = new AtomicReference<>();

    private static HttpServer server;
    private static Vertx vertx;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/", exchange -> {
            REQUESTS.incrementAndGet();
            LAST_HOST.set(exchange.getRequestHeaders().getFirst("Host"));
            LAST_BODY.set(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            switch (exchange.getRequestURI().getPath()) {
                case "/big" -> {
                    exchange.sendResponseHeaders(200, 0);
                    try (OutputStream out = exchange.getResponseBody()) {
                        for (int i = 0; i < 1_000; i++) {
                            out.write("0123456789".repeat(100).getBytes(StandardCharsets.UTF_8));
                        }
                    } catch (java.io.IOException dropped) {
                        // The client stops reading after its limit.
                    }
                }
                case "/moved" -> {
                    exchange.getResponseHeaders().set("Location", "http://127.0.0.1:" + port + "/elsewhere");
                    exchange.sendResponseHeaders(302, -1);
                    exchange.close();
                }
                case "/silent" -> {
                    try {
                        NEVER.await();
                    } catch (InterruptedException stopped) {
                        Thread.currentThread().interrupt();
                    }
                    exchange.close();
                }
                default -> {
                    byte[] body = "hello".getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().set("Retry-After", "7");
                    exchange.sendResponseHeaders(200, body.length);
                    exchange.getResponseBody().write(body);
                    exchange.close();
                }
            }
        });
        server.start();
        port = server.getAddress().getPort();
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() throws Exception {
        NEVER.countDown();
        server.stop(0);
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static GuardedHttp client(List<String> allowed) {
        return new GuardedHttp(vertx, new HttpClientOptions().setConnectTimeout(2_000), new AddressPolicy(allowed));
    }

    private static GuardedHttp.Response send(GuardedHttp http, String url, Duration timeout) throws Exception {
        GuardedHttp.Request request = new GuardedHttp.Request(HttpMethod.POST, OutboundUrl.parse(url),
                MultiMap.caseInsensitiveMultiMap(), Buffer.buffer("{\"a\":1}"), timeout, 64);
        return http.send(request).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    private static Throwable failure(GuardedHttp http, String url, Duration timeout) {
        return assertThrows(ExecutionException.class, () -> send(http, url, timeout)).getCause();
    }

    @Test
    void aRefusedAddressLiteralIsNeverConnectedTo() {
        int before = REQUESTS.get();
        GuardedHttp http = client(List.of());

        GuardedHttp.BlockedAddress blocked = assertInstanceOf(GuardedHttp.BlockedAddress.class,
                failure(http, "http://127.0.0.1:" + port + "/", Duration.ofSeconds(5)));

        assertEquals("127.0.0.1 is not a public address", blocked.getMessage());
        assertEquals("127.0.0.1 is not a public address", blocked.addressRefusal());
        assertEquals(before, REQUESTS.get());
        http.close();
    }

    @Test
    void aNameIsRefusedForTheAddressItResolvesTo() {
        GuardedHttp http = client(List.of());

        GuardedHttp.BlockedAddress blocked = assertInstanceOf(GuardedHttp.BlockedAddress.class,
                failure(http, "http://localhost:" + port + "/", Duration.ofSeconds(5)));

        assertTrue(blocked.getMessage().startsWith("localhost resolves to "), blocked.getMessage());
        assertTrue(blocked.addressRefusal().endsWith(" is not a public address"), blocked.addressRefusal());
        http.close();
    }

    @Test
    void anAllowedAddressGetsTheRequestWithTheUrlsHostAndAnswersWithStatusHeadersAndBody() throws Exception {
        GuardedHttp http = client(List.of("127.0.0.0/8", "::1/128"));

        GuardedHttp.Response response = send(http, "http://localhost:" + port + "/hello", Duration.ofSeconds(5));

        assertEquals(200, response.status());
        assertEquals("hello", response.body().toString(StandardCharsets.UTF_8));
        assertEquals("7", response.headers().get("Retry-After"));
        assertNull(response.readFailure());
        assertEquals("localhost:" + port, LAST_HOST.get(), "Host names the URL's host, not the address");
        assertEquals("{\"a\":1}", LAST_BODY.get());
        http.close();
    }

    @Test
    void onlyTheFirstBytesOfABodyAreRead() throws Exception {
        GuardedHttp http = client(List.of("127.0.0.0/8"));

        GuardedHttp.Response response = send(http, "http://127.0.0.1:" + port + "/big", Duration.ofSeconds(5));

        assertEquals(200, response.status());
        assertEquals("0123456789".repeat(7).substring(0, 64), response.body().toString(StandardCharsets.UTF_8));
        http.close();
    }

    @Test
    void aRedirectIsTheAnswerNotFollowed() throws Exception {
        GuardedHttp http = client(List.of("127.0.0.0/8"));

        GuardedHttp.Response response = send(http, "http://127.0.0.1:" + port + "/moved", Duration.ofSeconds(5));

        assertEquals(302, response.status());
        http.close();
    }

    @Test
    void noCompleteResponseBeforeTheDeadlineIsATimeout() {
        GuardedHttp http = client(List.of("127.0.0.0/8"));

        Throwable late = failure(http, "http://127.0.0.1:" + port + "/silent", Duration.ofMillis(300));

        assertInstanceOf(TimeoutException.class, late);
        assertEquals("no complete response within 300 ms", late.getMessage());
        http.close();
    }
}
