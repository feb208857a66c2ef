package dev.promptjuggler.executor.tools;

import dev.promptjuggler.contracts.net.AddressPolicy;
import dev.promptjuggler.contracts.net.OutboundUrl;
import dev.promptjuggler.executor.config.ExecutorConfig;
import dev.promptjuggler.runtime.http.GuardedHttp;
import io.smallrye.mutiny.Uni;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * The http tool's way out: {@link GuardedHttp} with the tool's limits. Every address the host resolves to is
 * checked against the {@link AddressPolicy} (loopback, private, link-local, … are refused unless
 * {@code executor.tools.http.allow-networks} covers them) and the connection goes to the checked address.
 * Redirects are not followed; the response body is read up to {@code max-response-bytes}.
 */
@ApplicationScoped
public class GuardedHttpClient {

    private final GuardedHttp http;
    private final ExecutorConfig.Tools.Http config;

    public GuardedHttpClient(io.vertx.mutiny.core.Vertx vertx, ExecutorConfig config) {
        this.config = config.tools().http();
        this.http = new GuardedHttp(vertx.getDelegate(), new HttpClientOptions()
                .setConnectTimeout((int) this.config.timeout().toMillis())
                .setMaxPoolSize(64),
                new AddressPolicy(this.config.allowNetworks().orElse(List.of())));
    }

    /** A response as the tool reports it: status and the first bytes of the body. */
    public record Answer(int status, String body) {
    }

    /** @return the answer, or a failure saying why there is none (refused address, timeout, network) */
    public Uni<Answer> send(String method, String url, Map<String, String> headers, String body) {
        OutboundUrl target;
        try {
            target = OutboundUrl.parse(url);
        } catch (IllegalArgumentException e) {
            return Uni.createFrom().failure(new IllegalArgumentException(
                    (e.getMessage().startsWith("is not a valid URL") ? "not a URL: " : "not an http(s) URL: ") + url));
        }
        MultiMap requestHeaders = MultiMap.caseInsensitiveMultiMap();
        headers.forEach(requestHeaders::set);
        requestHeaders.set("User-Agent", "promptjuggler-platform/run-executor http-tool");
        GuardedHttp.Request request = new GuardedHttp.Request(HttpMethod.valueOf(method), target, requestHeaders,
                body == null ? null : Buffer.buffer(body, StandardCharsets.UTF_8.name()), config.timeout(),
                config.maxResponseBytes());
        return Uni.createFrom().completionStage(() -> http.send(request).toCompletionStage())
                .onItem().transformToUni(response -> response.readFailure() != null
                        ? Uni.createFrom().<Answer>failure(response.readFailure())
                        : Uni.createFrom().item(new Answer(response.status(), response.body().toString(StandardCharsets.UTF_8))))
                .onFailure(GuardedHttp.BlockedAddress.class).transform(blocked -> new IllegalStateException(
                        "refused: " + target.host() + " resolves to " + ((GuardedHttp.BlockedAddress) blocked).addressRefusal()))
                .onFailure(TimeoutException.class).transform(late -> new IllegalStateException(
                        "no answer within " + config.timeout().toMillis() + " ms"));
    }

    @PreDestroy
    void close() {
        http.close();
    }
}
