package dev.promptjuggler.dispatcher.delivery;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.promptjuggler.dispatcher.support.Platform;
import dev.promptjuggler.dispatcher.support.Platform.Endpoint;
import dev.promptjuggler.dispatcher.support.Signatures;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.SelfSignedCertificate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * HTTPS endpoints on loopback, each with a self-signed certificate for {@code localhost} made for the
 * run: one the dispatcher is configured to trust (a Quarkus TLS configuration named by
 * {@code dispatcher.tls-configuration-name}), one it is not. The connection goes to the checked address
 * while SNI and the certificate check use the URL's host.
 */
@QuarkusTest
@TestProfile(TlsDeliveryTest.TrustedCertificate.class)
class TlsDeliveryTest {

    private static final Duration PATIENCE = Duration.ofSeconds(45);
    /** Where the profile leaves the trusted certificate and its key for the test's server. */
    private static final Path TRUSTED = Path.of("target", "webhook-tls");

    public static class TrustedCertificate implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            SelfSignedCertificate certificate = SelfSignedCertificate.create("localhost");
            try {
                Files.createDirectories(TRUSTED);
                Files.copy(Path.of(certificate.certificatePath()), TRUSTED.resolve("localhost.crt"), StandardCopyOption.REPLACE_EXISTING);
                Files.copy(Path.of(certificate.privateKeyPath()), TRUSTED.resolve("localhost.key"), StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return Map.of("dispatcher.tls-configuration-name", "webhook-endpoints",
                    "quarkus.tls.webhook-endpoints.trust-store.pem.certs", TRUSTED.resolve("localhost.crt").toAbsolutePath().toString());
        }
    }

    private record Request(String path, String host, String serverName, String signature, String body) {
    }

    private static Vertx vertx;
    private static HttpServer trusted;
    private static HttpServer untrusted;
    private static final List<Request> received = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        trusted = https(new PemKeyCertOptions().setCertPath(TRUSTED.resolve("localhost.crt").toString())
                .setKeyPath(TRUSTED.resolve("localhost.key").toString()));
        untrusted = https(SelfSignedCertificate.create("localhost").keyCertOptions());
    }

    @AfterAll
    static void stop() {
        vertx.close();
    }

    private static HttpServer https(KeyCertOptions certificate) throws Exception {
        return vertx.createHttpServer(new HttpServerOptions().setSsl(true).setSni(true).setKeyCertOptions(certificate))
                .requestHandler(request -> request.body().onSuccess(body -> {
                    received.add(new Request(request.path(), request.getHeader("Host"),
                            request.connection().indicatedServerName(), request.getHeader("PromptJuggler-Signature"),
                            body.toString(StandardCharsets.UTF_8)));
                    request.response().end("ok");
                }))
                .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aTrustedCertificateForTheUrlsHostIsDeliveredTo() {
        UUID tenant = Platform.tenant();
        Endpoint endpoint = Platform.endpoint(tenant, "https://localhost:" + trusted.actualPort() + "/trusted");
        try (Platform platform = new Platform()) {
            UUID run = UUID.randomUUID();
            platform.runFinished(tenant, run, "production");

            JsonPath log = awaitLog(tenant, endpoint, l -> "delivered".equals(l.getString("deliveries[0].status")));
            assertEquals(Integer.valueOf(200), log.getList("deliveries[0].attemptLog.statusCode").get(
                    log.getList("deliveries[0].attemptLog").size() - 1));
            Request request = received("/trusted").get(0);
            assertEquals("localhost:" + trusted.actualPort(), request.host());
            assertEquals("localhost", request.serverName(), "SNI names the URL's host, not the address connected to");
            assertTrue(request.body().contains(run.toString()));
            assertTrue(Signatures.verifies(request.signature(), request.body(), endpoint.secret()));
        }
    }

    @Test
    void anUntrustedCertificateIsATlsFailureAndIsRetried() {
        UUID tenant = Platform.tenant();
        Endpoint endpoint = Platform.endpoint(tenant, "https://localhost:" + untrusted.actualPort() + "/untrusted");
        try (Platform platform = new Platform()) {
            platform.runFinished(tenant, UUID.randomUUID(), "production");

            // Retried: two attempts at least failed the handshake (on a loaded machine the very first may
            // instead time out while the JVM loads its TLS classes).
            JsonPath log = awaitLog(tenant, endpoint, l -> tlsFailures(l).size() >= 2);
            assertTrue(tlsFailures(log).get(0).get("error").toString().startsWith("PKIX path"), log.prettify());
            for (Map<String, Object> attempt : log.<Map<String, Object>>getList("deliveries[0].attemptLog")) {
                assertNull(attempt.get("statusCode"), log.prettify());
            }
            assertEquals(List.of(), received("/untrusted"), "no request goes over a connection that failed its check");
        }
    }

    @Test
    void aCertificateThatDoesNotNameTheUrlsHostIsATlsFailure() {
        UUID tenant = Platform.tenant();
        // Trusted, but issued to localhost: reached as 127.0.0.1, the host check must refuse it.
        Endpoint endpoint = Platform.endpoint(tenant, "https://127.0.0.1:" + trusted.actualPort() + "/wrong-name");
        try (Platform platform = new Platform()) {
            platform.runFinished(tenant, UUID.randomUUID(), "production");

            awaitLog(tenant, endpoint, l -> !tlsFailures(l).isEmpty());
            assertEquals(List.of(), received("/wrong-name"));
        }
    }

    @Test
    void theAddressIsCheckedBeforeAnyTlsHandshake() {
        UUID tenant = Platform.tenant();
        Endpoint endpoint = Platform.endpoint(tenant, "https://169.254.169.254/latest/meta-data/");
        try (Platform platform = new Platform()) {
            platform.runFinished(tenant, UUID.randomUUID(), "production");

            JsonPath log = awaitLog(tenant, endpoint, l -> !attempts(l).isEmpty());
            assertEquals("blocked_address", log.getString("deliveries[0].attemptLog[0].errorClass"));
        }
    }

    private static List<Map<String, Object>> tlsFailures(JsonPath log) {
        List<Map<String, Object>> attempts = log.getList("deliveries[0].attemptLog");
        return attempts == null ? List.of()
                : attempts.stream().filter(attempt -> "tls".equals(attempt.get("errorClass"))).toList();
    }

    private static List<Object> attempts(JsonPath log) {
        List<Object> attempts = log.getList("deliveries[0].attemptLog");
        return attempts == null ? List.of() : attempts;
    }

    private static List<Request> received(String path) {
        return received.stream().filter(request -> request.path().equals(path)).toList();
    }

    private static JsonPath awaitLog(UUID tenant, Endpoint endpoint, java.util.function.Predicate<JsonPath> done) {
        return await().atMost(PATIENCE).until(() -> given()
                        .get("/internal/tenants/{t}/webhooks/{w}/deliveries", tenant, endpoint.id())
                        .then().statusCode(200).extract().jsonPath(),
                log -> !log.getList("deliveries").isEmpty() && done.test(log));
    }
}
