package dev.promptjuggler.dispatcher.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

@ConfigMapping(prefix = "dispatcher")
public interface DispatcherConfig {

    /** Time allowed to connect to an endpoint. */
    @WithDefault("5s")
    Duration connectTimeout();

    /** Time allowed for a whole attempt, from connecting to the end of the response. */
    @WithDefault("15s")
    Duration requestTimeout();

    /** How much of a response body the delivery log keeps. */
    @WithDefault("512")
    int responseExcerptChars();
}
