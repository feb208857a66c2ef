package dev.promptjuggler.executor.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Where the LLM providers are, how failed calls are retried, and what tokens cost. The local stack points every
 * provider at the provider simulator.
 */
@ConfigMapping(prefix = "providers")
public interface ProvidersConfig {

    /** OpenAI Chat Completions; base URL e.g. {@code https://api.openai.com/v1}. */
    Provider openai();

    /** Anthropic Messages; base URL e.g. {@code https://api.anthropic.com/v1}. */
    Anthropic anthropic();

    /** Gemini generateContent; base URL e.g. {@code https://generativelanguage.googleapis.com/v1beta}. */
    Provider gemini();

    Retry retry();

    /**
     * Prices that override the catalogue's ({@code ModelCatalogue} in contracts) or price a model it lacks, keyed
     * {@code "<provider>/<model>"} exactly as prompts name the model. A model in neither has no cost (null), as the
     * SDK says when no published rate covers a run.
     */
    Map<String, Price> prices();

    interface Provider {

        /** Base URL of the API, without a trailing slash; the client appends its own path. */
        String baseUrl();

        /** Service-level API key, used when a run brings none of its own. */
        Optional<String> apiKey();

        /** Upper bound of one provider call, connection included (for a streamed answer: up to its last event). */
        @WithDefault("120s")
        Duration timeout();

        /**
         * Whether calls stream the answer (server-sent events), so the run's stream shows the text as the model
         * writes it. Off: the answer is read whole and the run's stream gets its text in one piece. Usage, cost,
         * tool calls and the stored output are the same either way. Off is for a server that does not stream (an
         * answer that is not {@code text/event-stream} fails the call, naming this setting).
         */
        @WithDefault("true")
        boolean stream();
    }

    interface Anthropic extends Provider {

        /** {@code max_tokens} is required by Anthropic: sent when the prompt sets no {@code maxCompletionTokens}. */
        @WithDefault("4096")
        int defaultMaxTokens();
    }

    interface Retry {

        /** Attempts per provider call, the first included (1 = no retries). */
        @WithDefault("3")
        int maxAttempts();

        /** Wait before the second attempt when the provider gave no hint; doubles per attempt, with jitter. */
        @WithDefault("500ms")
        Duration baseBackoff();

        /** Upper bound of the computed backoff. */
        @WithDefault("10s")
        Duration maxBackoff();

        /**
         * Longest provider-requested wait (Retry-After) this service honours; a longer one (a quota reset hours
         * away) fails the call at once rather than hold a run slot.
         */
        @WithDefault("60s")
        Duration maxRetryAfter();
    }

    /** US dollars per million tokens, and per web search call. */
    interface Price {

        double input();

        /** Cache reads; the input price when absent. */
        Optional<Double> cachedInput();

        /** Cache writes (Anthropic); the input price when absent. */
        Optional<Double> cacheWrite();

        double output();

        /** Per native web search call. */
        @WithDefault("0")
        double webSearch();
    }
}
