package dev.promptjuggler.gateway.service;

import dev.promptjuggler.contracts.net.AddressPolicy;
import dev.promptjuggler.contracts.net.OutboundUrl;
import dev.promptjuggler.gateway.api.ApiException;
import dev.promptjuggler.gateway.config.WebhookDeliveryConfig;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;

/**
 * Whether webhook-dispatcher would deliver to an endpoint URL, asked when the endpoint is registered or
 * changed rather than days of retries later. The URL is read by the same {@link OutboundUrl} and judged by
 * the same {@link AddressPolicy} and allow-list as at delivery. An address literal is decided here; a host
 * name is resolved and refused when an address it resolves to is refused. A name that does not resolve (in
 * {@code webhooks.registration-lookup-timeout}) is accepted: DNS can change, and the dispatcher resolves it
 * again for every delivery.
 */
@ApplicationScoped
public class WebhookUrlCheck {

    private final AddressPolicy policy;
    private final Duration lookupTimeout;

    public WebhookUrlCheck(WebhookDeliveryConfig config) {
        this.policy = new AddressPolicy(config.allowNetworks().orElse(List.of()));
        this.lookupTimeout = config.registrationLookupTimeout();
    }

    /** @return a Uni failing with a 422 that names the reason when the URL would not be delivered to */
    public Uni<Void> check(String url) {
        OutboundUrl target;
        try {
            target = OutboundUrl.parse(url);
        } catch (IllegalArgumentException e) {
            return Uni.createFrom().failure(ApiException.invalid("url " + e.getMessage()));
        }
        if (target.address() != null) {
            return refuseIf(target, List.of(target.address()));
        }
        // The system resolver blocks: it runs on a worker, and the request goes on on its own Vert.x context.
        Context context = Vertx.currentContext();
        Uni<List<InetAddress>> lookup = Uni.createFrom().item(() -> resolve(target.host()))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .ifNoItem().after(lookupTimeout).recoverWithItem(List.of());
        return (context == null ? lookup : lookup.emitOn(task -> context.runOnContext(ignored -> task.run())))
                .chain(addresses -> refuseIf(target, addresses));
    }

    private Uni<Void> refuseIf(OutboundUrl target, List<InetAddress> addresses) {
        String refusal = policy.refusal(target, addresses);
        return refusal == null ? Uni.createFrom().voidItem()
                : Uni.createFrom().failure(ApiException.invalid("url is refused: " + refusal
                        + " (webhooks are delivered to public addresses only)"));
    }

    private static List<InetAddress> resolve(String host) {
        try {
            return List.of(InetAddress.getAllByName(host));
        } catch (UnknownHostException e) {
            return List.of();
        }
    }
}
