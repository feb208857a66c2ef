package dev.promptjuggler.gateway.client;

import dev.promptjuggler.gateway.api.ApiException;
import dev.promptjuggler.gateway.config.WebhookDeliveryConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.ext.web.client.HttpRequest;
import io.vertx.mutiny.ext.web.client.WebClient;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.util.Map;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * The delivery log and its controls are webhook-dispatcher's, which owns the deliveries; the gateway
 * authenticates the caller and forwards to the dispatcher's internal API under the caller's tenant.
 * The dispatcher's answers (its {@code {"error": ...}} refusals included) reach the caller as they are.
 */
@ApplicationScoped
public class DispatcherClient {

    private static final Logger LOG = Logger.getLogger(DispatcherClient.class);

    private final WebClient client;
    private final WebhookDeliveryConfig config;
    private final String basePath;

    public DispatcherClient(Vertx vertx, WebhookDeliveryConfig config) {
        this.config = config;
        URI base = URI.create(config.dispatcherUrl());
        this.basePath = base.getPath() == null ? "" : base.getPath().replaceAll("/$", "");
        this.client = WebClient.create(vertx, new WebClientOptions()
                .setDefaultHost(base.getHost())
                .setDefaultPort(base.getPort())
                .setSsl("https".equals(base.getScheme())));
    }

    /**
     * @param path  below the tenant, e.g. {@code /webhooks/<id>/deliveries}
     * @param query parameters to pass on; null values are left out
     * @param body  JSON to send, or null
     */
    public Uni<Answer> forward(HttpMethod method, UUID tenantId, String path, Map<String, String> query, String body) {
        HttpRequest<Buffer> request = client.request(method, basePath + "/internal/tenants/" + tenantId + path)
                .timeout(config.dispatcherTimeout().toMillis());
        query.forEach((name, value) -> {
            if (value != null) {
                request.addQueryParam(name, value);
            }
        });
        Uni<io.vertx.mutiny.ext.web.client.HttpResponse<Buffer>> sent = body == null ? request.send()
                : request.putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(body));
        return sent
                .onFailure().transform(failure -> {
                    LOG.warnf("webhook-dispatcher did not answer: %s", failure.toString());
                    return new ApiException(503, "the webhook delivery service is unavailable, try again");
                })
                .map(response -> {
                    if (response.statusCode() >= 500) {
                        LOG.warnf("webhook-dispatcher answered %d to %s %s", response.statusCode(), method, path);
                        throw new ApiException(503, "the webhook delivery service is unavailable, try again");
                    }
                    return new Answer(response.statusCode(), response.bodyAsString());
                });
    }

    @PreDestroy
    void close() {
        client.close();
    }

    /** @param body JSON text */
    public record Answer(int status, String body) {
    }
}
