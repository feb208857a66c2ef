package dev.promptjuggler.gateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Webhooks as the gateway serves them: which endpoint URLs may be registered, where webhook-dispatcher
 * answers, and secret rotation.
 */
@ConfigMapping(prefix = "webhooks")
public interface WebhookDeliveryConfig {

    /**
     * Address ranges (CIDR) an endpoint URL may point at although they are loopback, private, link-local,
     * unique-local, multicast or unspecified. It must be the list webhook-dispatcher delivers by
     * ({@code dispatcher.network.allow}); both read {@code PJ_WEBHOOK_ALLOW_NETWORKS}. Empty in production.
     */
    Optional<List<String>> allowNetworks();

    /**
     * How long registering an endpoint waits for its host name to resolve. A name that does not resolve in
     * that time, or at all, is accepted: webhook-dispatcher resolves it again for every delivery.
     */
    @WithDefault("2s")
    Duration registrationLookupTimeout();

    /** Base URL of webhook-dispatcher's internal HTTP API (delivery log, replay, ping, health). */
    @WithDefault("http://127.0.0.1:18082")
    String dispatcherUrl();

    /** How long webhook-dispatcher may take to answer before the gateway answers 503. */
    @WithDefault("10s")
    Duration dispatcherTimeout();

    /**
     * How long a secret replaced by a rotation keeps signing deliveries beside the new one, so receivers
     * can switch without rejecting a delivery.
     */
    @WithDefault("24h")
    Duration rotationOverlap();
}
