package dev.promptjuggler.dispatcher.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.promptjuggler.dispatcher.config.DispatcherConfig;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One attempt against a server on loopback, with host names: the address policy applies to what a name
 * resolves to, and each way an attempt can fail has its class. (Literal addresses and the whole flow
 * are in DeliveryFlowTest; TLS in TlsDeliveryTest.)
 */
class WebhookClientTest {

    private static Vertx vertx;
    private static HttpServer server;
    private static final AtomicInteger requests = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        server = vertx.createHttpServer().requestHandler(request -> {
            requests.incrementAndGet();
            if (!request.path().equals("/silent")) {
                request.response().end("ok");
            }
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterAll
    static void stop() {
        vertx.close();
    }

    private static WebhookClient client(Map<String, String> settings) {
        // Durations as Quarkus writes them ("5s"), as in application.properties.
        SmallRyeConfigBuilder builder = new SmallRyeConfigBuilder().withMapping(DispatcherConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter());
        settings.forEach(builder::withDefaultValue);
        return new WebhookClient(vertx, builder.build().getConfigMapping(DispatcherConfig.class), null);
    }

    private static AttemptResult post(WebhookClient client, String url) {
        return client.post(url, Map.of(), "{}").await().atMost(Duration.ofSeconds(30));
    }

    @Test
    void aNameThatResolvesToAPrivateAddressIsRefusedBeforeAnyConnection() {
        int before = requests.get();

        AttemptResult result = post(client(Map.of()), "http://localhost:" + server.actualPort() + "/hook");

        assertEquals("blocked_address", result.errorClass());
        assertEquals("localhost resolves to 127.0.0.1 is not a public address", result.error());
        assertNull(result.statusCode());
        assertEquals(before, requests.get(), "nothing reached the server");
    }

    @Test
    void theSameNameIsDeliveredToWhenTheAllowListCoversItsAddress() {
        AttemptResult result = post(client(Map.of("dispatcher.network.allow", "127.0.0.0/8")),
                "http://localhost:" + server.actualPort() + "/hook");

        assertEquals(200, result.statusCode(), result::toString);
        assertEquals("ok", result.responseExcerpt());
    }

    @Test
    void aShortNumericFormOfALoopbackAddressIsRefusedAsThatAddressNotAsAUrlWithoutHost() {
        int before = requests.get();

        for (String host : new String[] {"127.1", "0x7f000001", "017700000001", "2130706433"}) {
            AttemptResult result = post(client(Map.of()), "http://" + host + ":" + server.actualPort() + "/hook");

            assertEquals("blocked_address", result.errorClass(), host);
            assertEquals(host + " resolves to 127.0.0.1 is not a public address", result.error());
        }
        assertEquals(before, requests.get(), "nothing reached the server");
    }

    @Test
    void aShortNumericFormIsDeliveredToTheAddressItMeansWhenTheAllowListCoversIt() {
        AttemptResult result = post(client(Map.of("dispatcher.network.allow", "127.0.0.0/8")),
                "http://127.1:" + server.actualPort() + "/hook");

        assertEquals(200, result.statusCode(), result::toString);
        assertEquals("ok", result.responseExcerpt());
    }

    @Test
    void aUrlThatNamesNoUsableHostIsAnInvalidUrl() {
        AttemptResult result = post(client(Map.of()), "http://1.2.3.4.5/hook");

        assertEquals("invalid_url", result.errorClass());
        assertEquals("the URL has a host that is not a valid IPv4 address: 1.2.3.4.5", result.error());
    }

    @Test
    void aNameThatDoesNotResolveIsADnsFailure() {
        AttemptResult result = post(client(Map.of()), "http://nowhere.invalid/hook");

        assertEquals("dns", result.errorClass());
    }

    @Test
    void anEndpointThatDoesNotAnswerInTimeIsATimeout() {
        AttemptResult result = post(client(Map.of("dispatcher.network.allow", "127.0.0.0/8", "dispatcher.request-timeout", "1s")),
                "http://localhost:" + server.actualPort() + "/silent");

        assertEquals("timeout", result.errorClass());
        assertTrue(result.latencyMs() >= 1000, result.latencyMs() + " ms");
    }
}
