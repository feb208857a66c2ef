package dev.promptjuggler.gateway.promptly;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** The Promptly (LLMStack) API facade: docs/promptly.md. */
@ConfigMapping(prefix = "gateway.promptly")
public interface PromptlyConfig {

    /**
     * How long {@code POST /api/apps/{app_uuid}/run} waits for its run to finish. Past it the caller gets a 504 naming
     * the run (or, streaming, a last {@code errors} object); the run itself goes on and can be read by its id.
     */
    @WithDefault("60s")
    Duration runTimeout();

    /** The largest app definition {@code POST /api/apps} and {@code PATCH} take, in bytes. */
    @WithDefault("262144")
    int maxAppBytes();
}
