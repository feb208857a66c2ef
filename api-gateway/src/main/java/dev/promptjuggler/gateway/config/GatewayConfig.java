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

    /** Environment a run gets when its request names none and its tenant has no default of its own. */
    @WithDefault("production")
    String defaultEnvironment();
}
