package dev.promptjuggler.gateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

@ConfigMapping(prefix = "gateway")
public interface GatewayConfig {

    /**
     * Operator secret that guards {@code POST /manage/v1/bootstrap} (header {@code X-Bootstrap-Token}).
     * Without it, bootstrap is disabled.
     */
    Optional<String> bootstrapToken();

    /**
     * 32 random bytes, base64: the key that encrypts environment variables at rest. run-executor must be
     * given the same key to read what the gateway encrypts.
     */
    String secretsKey();

    /** Environment a run gets when its request names none and its tenant has no default of its own. */
    @WithDefault("production")
    String defaultEnvironment();

    /**
     * Largest JSON request body; larger ones get 413. Uploads have their own limits (knowledge.*); the
     * HTTP layer's {@code quarkus.http.limits.max-body-size} caps everything.
     */
    @WithDefault("1048576")
    long maxJsonBodyBytes();

    RateLimit rateLimit();

    /** Requests per API key, counted by each gateway replica on its own. */
    interface RateLimit {

        /** Off by default (the local stack); production turns it on. */
        @WithDefault("false")
        boolean enabled();

        /** Requests a key may make per {@link #period()}; bursts up to this many are allowed. */
        @WithDefault("100")
        long requests();

        @WithDefault("1s")
        java.time.Duration period();
    }
}
