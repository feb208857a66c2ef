package dev.promptjuggler.dispatcher.client;

import dev.promptjuggler.dispatcher.config.DispatcherConfig;
import dev.promptjuggler.contracts.net.AddressPolicy;
import dev.promptjuggler.contracts.net.OutboundUrl;
import io.netty.channel.ConnectTimeoutException;
import io.quarkus.tls.TlsConfiguration;
import io.quarkus.tls.TlsConfigurationRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.net.TrustOptions;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLException;

/**
 * Sends one webhook request and describes what happened. The URL is read by {@link OutboundUrl}, as the
 * gateway reads it when the endpoint is registered (so {@code 127.1} is 127.0.0.1 to both). The host is resolved here and every address
 * it resolves to is checked against the {@link AddressPolicy}; the connection then goes to the checked
 * address (the URL's host still names the Host header, SNI and certificate check), so a DNS answer
 * cannot change between the check and the connect. Redirects are never followed, and only the first
 * bytes of a response body are read.
 */
@ApplicationScoped
public class WebhookClient {

    public static final String USER_AGENT = "PromptJuggler-Platform-Webhooks/1.0";

    private final Vertx vertx;
    private final DispatcherConfig config;
    private final AddressPolicy addressPolicy;
    private final HttpClient http;

    public WebhookClient(Vertx vertx, DispatcherConfig config, TlsConfigurationRegistry tlsConfigurations) {
        this.vertx = vertx;
        this.config = config;
        this.addressPolicy = new AddressPolicy(config.network().allow().orElse(List.of()));
        HttpClientOptions options = new HttpClientOptions()
                .setConnectTimeout((int) config.connectTimeout().toMillis())
                // Connections are pooled per host, and many endpoints of many tenants may share one host:
                // the claim already bounds requests per endpoint, so the pool must never be what makes
                // one endpoint's slow requests hold up another's.
                .setMaxPoolSize(config.queue().maxInFlight())
                .setForceSni(true)
                .setVerifyHost(true)
                .setKeepAliveTimeout(30);
        config.tlsConfigurationName().ifPresent(name -> options.setTrustOptions(trustStore(tlsConfigurations, name)));
        this.http = vertx.createHttpClient(options);
    }

    private static TrustOptions trustStore(TlsConfigurationRegistry tlsConfigurations, String name) {
        TlsConfiguration tls = tlsConfigurations.get(name).orElseThrow(() -> new IllegalStateException(
                "dispatcher.tls-configuration-name is " + name + ", but there is no quarkus.tls." + name + " configuration"));
        if (tls.isTrustAll() || tls.getTrustStoreOptions() == null) {
            throw new IllegalStateException("quarkus.tls." + name + " must name a trust store for webhook endpoints"
                    + " (trust-all would accept any certificate)");
        }
        return tls.getTrustStoreOptions();
    }

    /** Posts {@code body} with {@code headers}; never fails: every outcome is an {@link AttemptResult}. */
    public Uni<AttemptResult> post(String url, Map<String, String> headers, String body) {
        long started = System.nanoTime();
        return Uni.createFrom().completionStage(() -> send(url, headers, body, started).toCompletionStage())
                .onFailure().recoverWithItem(failure -> failed(started, failure));
    }

    private Future<AttemptResult> send(String url, Map<String, String> headers, String body, long started) {
        OutboundUrl target;
        try {
            target = OutboundUrl.parse(url);
        } catch (IllegalArgumentException e) {
            return Future.succeededFuture(new AttemptResult(null, elapsedMs(started), "invalid_url",
                    "the URL " + e.getMessage(), null, null));
        }
        // An address literal needs no lookup; a name is resolved by the system resolver, off the event loop.
        Future<InetAddress[]> resolved = target.address() != null
                ? Future.succeededFuture(new InetAddress[] {target.address()})
                : vertx.executeBlocking(() -> InetAddress.getAllByName(target.host()), false);
        return resolved
                .compose(addresses -> {
                    String refusal = addressPolicy.refusal(target, List.of(addresses));
                    if (refusal != null) {
                        return Future.succeededFuture(new AttemptResult(null, elapsedMs(started), "blocked_address",
                                refusal, null, null));
                    }
                    return request(target, addresses[0], headers, body, started);
                });
    }

    private Future<AttemptResult> request(OutboundUrl target, InetAddress address, Map<String, String> headers, String body,
            long started) {
        long remainingMs = Math.max(1, config.requestTimeout().toMillis() - elapsedMs(started));
        MultiMap requestHeaders = MultiMap.caseInsensitiveMultiMap();
        headers.forEach(requestHeaders::set);
        requestHeaders.set("User-Agent", USER_AGENT);
        requestHeaders.set("Content-Type", "application/json");
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setServer(SocketAddress.inetSocketAddress(target.port(), address.getHostAddress()))
                .setHost(target.host())
                .setPort(target.port())
                .setSsl(target.tls())
                .setURI(target.pathAndQuery())
                .setFollowRedirects(false)
                .setConnectTimeout(config.connectTimeout().toMillis())
                .setIdleTimeout(remainingMs)
                .setHeaders(requestHeaders);

        Promise<AttemptResult> outcome = Promise.promise();
        AtomicBoolean finished = new AtomicBoolean();
        HttpClientRequest[] inFlight = new HttpClientRequest[1];
        long timer = vertx.setTimer(remainingMs, id -> {
            if (finished.compareAndSet(false, true)) {
                if (inFlight[0] != null) {
                    inFlight[0].reset();
                }
                outcome.fail(new TimeoutException("no complete response within " + config.requestTimeout().toMillis() + " ms"));
            }
        });
        http.request(options)
                .compose(request -> {
                    inFlight[0] = request;
                    return request.send(Buffer.buffer(body, StandardCharsets.UTF_8.name()));
                })
                .onSuccess(response -> readCapped(response, inFlight[0], started, finished, outcome, timer))
                .onFailure(failure -> {
                    if (finished.compareAndSet(false, true)) {
                        vertx.cancelTimer(timer);
                        outcome.fail(failure);
                    }
                });
        return outcome.future();
    }

    private void readCapped(HttpClientResponse response, HttpClientRequest request, long started, AtomicBoolean finished,
            Promise<AttemptResult> outcome, long timer) {
        int limit = config.responseReadLimit();
        Buffer read = Buffer.buffer();
        Runnable complete = () -> {
            if (finished.compareAndSet(false, true)) {
                vertx.cancelTimer(timer);
                outcome.complete(result(response, read, started));
            }
        };
        response.handler(chunk -> {
            if (finished.get()) {
                return;
            }
            read.appendBuffer(chunk, 0, Math.min(chunk.length(), limit - read.length()));
            if (read.length() >= limit) {
                complete.run();
                // The rest is not wanted: drop the connection instead of reading an unbounded body.
                request.reset();
            }
        });
        response.exceptionHandler(failure -> complete.run());
        response.endHandler(done -> complete.run());
    }

    private AttemptResult result(HttpClientResponse response, Buffer read, long started) {
        int status = response.statusCode();
        String text = read.toString(StandardCharsets.UTF_8);
        String excerpt = text.length() <= config.responseExcerptChars() ? text : text.substring(0, config.responseExcerptChars());
        boolean ok = status / 100 == 2;
        Duration retryAfter = retryAfter(response.getHeader("Retry-After"));
        return new AttemptResult(status, elapsedMs(started), ok ? null : "http_status",
                ok ? null : "HTTP " + status + (status / 100 == 3 ? " (redirects are not followed)" : ""),
                excerpt.isEmpty() ? null : excerpt, retryAfter);
    }

    /** {@code Retry-After} as delay-seconds or an HTTP date; null when absent or unreadable. */
    static Duration retryAfter(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String value = header.trim();
        if (value.matches("\\d{1,10}")) {
            return Duration.ofSeconds(Long.parseLong(value));
        }
        try {
            Duration until = Duration.between(java.time.Instant.now(),
                    ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
            return until.isNegative() ? Duration.ZERO : until;
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static AttemptResult failed(long started, Throwable failure) {
        SSLException tls = innermost(failure, SSLException.class);
        String errorClass;
        if (failure instanceof UnknownHostException) {
            errorClass = "dns";
        } else if (failure instanceof TimeoutException || failure instanceof ConnectTimeoutException
                || failure.getClass().getSimpleName().contains("Timeout")) {
            errorClass = "timeout";
        } else if (tls != null) {
            errorClass = "tls";
        } else if (failure instanceof ConnectException) {
            errorClass = "connect";
        } else {
            errorClass = "network";
        }
        // Vert.x wraps a TLS failure in one that says only "Failed to create SSL connection"; the innermost says why.
        Throwable described = tls != null && tls.getMessage() != null ? tls : failure;
        String message = described.getMessage() == null ? described.getClass().getSimpleName() : described.getMessage();
        return new AttemptResult(null, elapsedMs(started), errorClass, message, null, null);
    }

    private static <T extends Throwable> T innermost(Throwable failure, Class<T> type) {
        T found = null;
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                found = type.cast(cause);
            }
        }
        return found;
    }

    private static int elapsedMs(long startedNanos) {
        return (int) ((System.nanoTime() - startedNanos) / 1_000_000);
    }

    @PreDestroy
    void close() {
        http.close();
    }
}
