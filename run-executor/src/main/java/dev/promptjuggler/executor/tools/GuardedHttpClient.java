package dev.promptjuggler.executor.tools;

import dev.promptjuggler.contracts.net.AddressPolicy;
import dev.promptjuggler.executor.config.ExecutorConfig;
import io.netty.util.NetUtil;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The http tool's way out. The host is resolved here and every address it resolves to is checked against
 * the {@link AddressPolicy} (loopback, private, link-local, … are refused unless
 * {@code executor.tools.http.allow-networks} covers them); the connection then goes to the checked address,
 * so a second DNS answer cannot slip past the check. Redirects are not followed; the response body is read
 * up to {@code max-response-bytes}.
 */
@ApplicationScoped
public class GuardedHttpClient {

    private final io.vertx.core.Vertx vertx;
    private final HttpClient http;
    private final AddressPolicy policy;
    private final ExecutorConfig.Tools.Http config;

    public GuardedHttpClient(io.vertx.mutiny.core.Vertx vertx, ExecutorConfig config) {
        this.vertx = vertx.getDelegate();
        this.config = config.tools().http();
        this.policy = new AddressPolicy(this.config.allowNetworks().orElse(List.of()));
        this.http = this.vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout((int) this.config.timeout().toMillis())
                .setForceSni(true)
                .setVerifyHost(true)
                .setMaxPoolSize(64));
    }

    /** A response as the tool reports it: status and the first bytes of the body. */
    public record Answer(int status, String body) {
    }

    /** @return the answer, or a failure saying why there is none (refused address, timeout, network) */
    public Uni<Answer> send(String method, String url, Map<String, String> headers, String body) {
        return Uni.createFrom().completionStage(() -> exchange(method, url, headers, body).toCompletionStage())
                .ifNoItem().after(config.timeout())
                .failWith(() -> new IllegalStateException("no answer within " + config.timeout().toMillis() + " ms"));
    }

    private Future<Answer> exchange(String method, String url, Map<String, String> headers, String body) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            return Future.failedFuture(new IllegalArgumentException("not a URL: " + url));
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            return Future.failedFuture(new IllegalArgumentException("not an http(s) URL: " + url));
        }
        String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1) : uri.getHost();
        boolean tls = scheme.equals("https");
        int port = uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80;
        String path = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        InetAddress literal = NetUtil.createInetAddressFromIpAddressString(host);
        Future<InetAddress[]> resolved = literal != null
                ? Future.succeededFuture(new InetAddress[] {literal})
                : vertx.executeBlocking(() -> InetAddress.getAllByName(host), false);
        return resolved.compose(addresses -> {
            for (InetAddress address : addresses) {
                String refusal = policy.refusal(address);
                if (refusal != null) {
                    return Future.failedFuture(new IllegalStateException(
                            "refused: " + host + " resolves to " + refusal));
                }
            }
            MultiMap requestHeaders = MultiMap.caseInsensitiveMultiMap();
            headers.forEach(requestHeaders::set);
            requestHeaders.set("User-Agent", "promptjuggler-platform/run-executor http-tool");
            RequestOptions options = new RequestOptions()
                    .setMethod(HttpMethod.valueOf(method))
                    .setServer(SocketAddress.inetSocketAddress(port, addresses[0].getHostAddress()))
                    .setHost(host)
                    .setPort(port)
                    .setSsl(tls)
                    .setURI(path)
                    .setFollowRedirects(false)
                    .setIdleTimeout(config.timeout().toMillis())
                    .setHeaders(requestHeaders);
            return http.request(options)
                    .compose(request -> body == null ? request.send() : request.send(Buffer.buffer(body, "UTF-8")))
                    .compose(this::readCapped);
        });
    }

    private Future<Answer> readCapped(HttpClientResponse response) {
        int limit = config.maxResponseBytes();
        Buffer read = Buffer.buffer();
        Promise<Answer> answer = Promise.promise();
        response.handler(chunk -> {
            if (read.length() < limit) {
                read.appendBuffer(chunk, 0, Math.min(chunk.length(), limit - read.length()));
                if (read.length() >= limit) {
                    answer.tryComplete(new Answer(response.statusCode(), read.toString(StandardCharsets.UTF_8)));
                    // The rest is not wanted: drop the connection instead of reading an unbounded body.
                    response.request().reset();
                }
            }
        });
        response.exceptionHandler(answer::tryFail);
        response.endHandler(done -> answer.tryComplete(new Answer(response.statusCode(), read.toString(StandardCharsets.UTF_8))));
        return answer.future();
    }

    @PreDestroy
    void close() {
        http.close();
    }
}
