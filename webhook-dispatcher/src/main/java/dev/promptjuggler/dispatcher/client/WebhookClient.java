package dev.promptjuggler.dispatcher.client;

import dev.promptjuggler.dispatcher.config.DispatcherConfig;
import dev.promptjuggler.contracts.net.AddressPolicy;
import dev.promptjuggler.contracts.net.OutboundUrl;
import dev.promptjuggler.runtime.http.GuardedHttp;
import dev.promptjuggler.runtime.http.RetryAfter;
import io.netty.channel.ConnectTimeoutException;
import io.quarkus.tls.TlsConfiguration;
import io.quarkus.tls.TlsConfigurationRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.net.TrustOptions;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/**
 * Sends one webhook request and describes what happened. The URL is read by {@link OutboundUrl}, as the
 * gateway reads it when the endpoint is registered (so {@code 127.1} is 127.0.0.1 to both), and sent by
 * {@link GuardedHttp}: every address the host resolves to is checked against the {@link AddressPolicy}
 * (with {@code dispatcher.network.allow}) and the connection goes to the checked address. Redirects are
 * never followed, and only the first {@code response-read-limit} bytes of a response body are read.
 */
@ApplicationScoped
public class WebhookClient {

    public static final String USER_AGENT = "PromptJuggler-Platform-Webhooks/1.0";

    private final DispatcherConfig config;
    private final GuardedHttp http;

    public WebhookClient(Vertx vertx, DispatcherConfig config, TlsConfigurationRegistry tlsConfigurations) {
        this.config = config;
        HttpClientOptions options = new HttpClientOptions()
                .setConnectTimeout((int) config.connectTimeout().toMillis())
                // Connections are pooled per host, and many endpoints of many tenants may share one host:
                // the claim already bounds requests per endpoint, so the pool must never be what makes
                // one endpoint's slow requests hold up another's.
                .setMaxPoolSize(config.queue().maxInFlight())
                .setKeepAliveTimeout(30);
        config.tlsConfigurationName().ifPresent(name -> options.setTrustOptions(trustStore(tlsConfigurations, name)));
        this.http = new GuardedHttp(vertx, options, new AddressPolicy(config.network().allow().orElse(List.of())));
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
        OutboundUrl target;
        try {
            target = OutboundUrl.parse(url);
        } catch (IllegalArgumentException e) {
            return Uni.createFrom().item(new AttemptResult(null, elapsedMs(started), "invalid_url",
                    "the URL " + e.getMessage(), null, null));
        }
        MultiMap requestHeaders = MultiMap.caseInsensitiveMultiMap();
        headers.forEach(requestHeaders::set);
        requestHeaders.set("User-Agent", USER_AGENT);
        requestHeaders.set("Content-Type", "application/json");
        GuardedHttp.Request request = new GuardedHttp.Request(HttpMethod.POST, target, requestHeaders,
                Buffer.buffer(body, StandardCharsets.UTF_8.name()), config.requestTimeout(), config.responseReadLimit());
        return Uni.createFrom().completionStage(() -> http.send(request).toCompletionStage())
                .map(response -> result(response, started))
                .onFailure().recoverWithItem(failure -> failed(started, failure));
    }

    /** A body that broke off after the status line still has its status: that is what the attempt is judged by. */
    private AttemptResult result(GuardedHttp.Response response, long started) {
        int status = response.status();
        String text = response.body().toString(StandardCharsets.UTF_8);
        String excerpt = text.length() <= config.responseExcerptChars() ? text : text.substring(0, config.responseExcerptChars());
        boolean ok = status / 100 == 2;
        Duration retryAfter = RetryAfter.parse(response.headers().get("Retry-After"), Instant.now());
        return new AttemptResult(status, elapsedMs(started), ok ? null : "http_status",
                ok ? null : "HTTP " + status + (status / 100 == 3 ? " (redirects are not followed)" : ""),
                excerpt.isEmpty() ? null : excerpt, retryAfter);
    }

    private static AttemptResult failed(long started, Throwable failure) {
        if (failure instanceof GuardedHttp.BlockedAddress blocked) {
            return new AttemptResult(null, elapsedMs(started), "blocked_address", blocked.getMessage(), null, null);
        }
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
