package dev.promptjuggler.executor.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Where the LLM providers are. The local stack points them at the provider simulator. */
@ConfigMapping(prefix = "providers")
public interface ProvidersConfig {

    OpenAi openai();

    interface OpenAi {

        /** Base URL of the Chat Completions API, e.g. {@code https://api.openai.com/v1}. */
        String baseUrl();

        /** Service-level API key, used when a run brings none of its own. */
        String apiKey();

        /** Upper bound of one provider call, connection included. */
        @WithDefault("120s")
        Duration timeout();
    }
}
