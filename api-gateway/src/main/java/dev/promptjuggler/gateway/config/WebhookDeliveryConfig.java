package dev.promptjuggler.gateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Webhook deliveries as the gateway serves them: where webhook-dispatcher answers, and secret rotation. */
@ConfigMapping(prefix = "webhooks")
public interface WebhookDeliveryConfig {

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
