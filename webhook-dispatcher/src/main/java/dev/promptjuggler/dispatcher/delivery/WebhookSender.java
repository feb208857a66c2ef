package dev.promptjuggler.dispatcher.delivery;

import dev.promptjuggler.dispatcher.config.DispatcherConfig;
import dev.promptjuggler.dispatcher.persistence.DeliveryStore;
import dev.promptjuggler.dispatcher.persistence.DeliveryStore.AttemptResult;
import dev.promptjuggler.dispatcher.persistence.DeliveryStore.PendingDelivery;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.ext.web.client.HttpResponse;
import io.vertx.mutiny.ext.web.client.WebClient;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.UUID;
import org.jboss.logging.Logger;

/** One signed attempt of one delivery, recorded in the delivery log whatever its result. */
@ApplicationScoped
public class WebhookSender {

    private static final Logger LOG = Logger.getLogger(WebhookSender.class);
    static final String USER_AGENT = "PromptJuggler-Platform-Webhooks/1.0";

    private final DeliveryStore deliveries;
    private final DispatcherConfig config;
    private final WebClient client;

    public WebhookSender(Vertx vertx, DeliveryStore deliveries, DispatcherConfig config) {
        this.deliveries = deliveries;
        this.config = config;
        this.client = WebClient.create(vertx, new WebClientOptions()
                .setUserAgent(USER_AGENT)
                .setFollowRedirects(false)
                .setConnectTimeout((int) config.connectTimeout().toMillis()));
    }

    public Uni<Void> attempt(UUID deliveryId) {
        return deliveries.findPending(deliveryId).chain(found -> found
                .map(delivery -> send(delivery).chain(result -> deliveries.recordAttempt(delivery, result)))
                .orElseGet(() -> Uni.createFrom().voidItem()));
    }

    private Uni<AttemptResult> send(PendingDelivery delivery) {
        long started = System.nanoTime();
        // Signed per attempt: the timestamp must be fresh for receivers' replay window.
        String signature = WebhookSigner.signatureHeader(delivery.secret(), Instant.now().getEpochSecond(),
                delivery.payload());
        return client.postAbs(delivery.url())
                .timeout(config.requestTimeout().toMillis())
                .putHeader("Content-Type", "application/json")
                .putHeader(WebhookSigner.HEADER, signature)
                .putHeader("PromptJuggler-Event", delivery.eventType())
                .putHeader("PromptJuggler-Event-Id", delivery.eventId().toString())
                .putHeader("PromptJuggler-Delivery-Id", delivery.id().toString())
                .putHeader("PromptJuggler-Attempt", Integer.toString(delivery.attempt()))
                .sendBuffer(Buffer.buffer(delivery.payload()))
                .map(response -> new AttemptResult(response.statusCode(), elapsedMs(started),
                        response.statusCode() / 100 == 2 ? null : "HTTP " + response.statusCode(),
                        excerpt(response)))
                .onFailure().recoverWithItem(failure -> {
                    LOG.infof("Delivery %s to %s failed: %s", delivery.id(), delivery.url(), failure.toString());
                    return new AttemptResult(null, elapsedMs(started), failure.getClass().getSimpleName()
                            + ": " + failure.getMessage(), null);
                });
    }

    private String excerpt(HttpResponse<Buffer> response) {
        String body = response.bodyAsString();
        if (body == null) {
            return null;
        }
        return body.length() <= config.responseExcerptChars() ? body : body.substring(0, config.responseExcerptChars());
    }

    private static int elapsedMs(long startedNanos) {
        return (int) ((System.nanoTime() - startedNanos) / 1_000_000);
    }

    @PreDestroy
    void close() {
        client.close();
    }
}
