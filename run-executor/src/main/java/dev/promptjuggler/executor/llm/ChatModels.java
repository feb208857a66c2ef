package dev.promptjuggler.executor.llm;

import dev.promptjuggler.executor.client.ProviderException;
import dev.promptjuggler.executor.config.ProvidersConfig;
import dev.promptjuggler.executor.metrics.ExecutorMetrics;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.quarkus.arc.All;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * The chat model clients by provider name, with retries: a failed attempt that may succeed later (no answer, 408,
 * 429, 5xx) is tried again, up to {@code providers.retry.max-attempts}, after the provider's own hint (Retry-After,
 * retry-after-ms, Gemini's RetryInfo) when it gave one, else after an exponential backoff with jitter. Any other
 * failure ends the call at once with the provider's own message.
 *
 * <p>Every attempt is a span of the run's trace, with provider, model, HTTP status and token counts as attributes
 * (OpenTelemetry's GenAI names); never the prompt, the answer or a key.
 *
 * <p>Hand-written rather than Mutiny's {@code retry().withBackOff()} or SmallRye Fault Tolerance: both compute
 * their own delays, and the provider's Retry-After must decide the wait exactly.
 */
@ApplicationScoped
public class ChatModels {

    private static final Logger LOG = Logger.getLogger(ChatModels.class);

    private final Map<String, ChatModelClient> clients;
    private final ProvidersConfig.Retry retry;
    private final ExecutorMetrics metrics;
    private final Tracer tracer;

    public ChatModels(@All List<ChatModelClient> clients, ProvidersConfig config, ExecutorMetrics metrics, Tracer tracer) {
        this.clients = clients.stream().collect(Collectors.toUnmodifiableMap(ChatModelClient::provider, Function.identity()));
        this.retry = config.retry();
        this.metrics = metrics;
        this.tracer = tracer;
    }

    /**
     * @param onFailedAttempt told of every failed attempt, the last one included, before the next one starts: the
     *                        run's {@code error} keeps the latest even when a retry recovers
     * @param trace           the span the attempts' spans belong under (the run's, a workflow node's)
     * @return the first successful turn, or the last attempt's failure
     */
    public Uni<ChatResponse> complete(String provider, ChatRequest request, Map<String, String> variables,
            Consumer<Throwable> onFailedAttempt, Context trace) {
        return complete(provider, request, variables, onFailedAttempt, TextListener.NONE, trace);
    }

    /**
     * @param listener told of each attempt before it starts, and of the answer's text as it arrives
     * @see #complete(String, ChatRequest, Map, Consumer, Context)
     */
    public Uni<ChatResponse> complete(String provider, ChatRequest request, Map<String, String> variables,
            Consumer<Throwable> onFailedAttempt, TextListener listener, Context trace) {
        ChatModelClient client = clients.get(provider);
        if (client == null) {
            return Uni.createFrom().failure(new UnsupportedOperationException("provider " + provider + " is not supported"));
        }
        return attempt(client, request, variables, onFailedAttempt, listener, trace, 1);
    }

    private Uni<ChatResponse> attempt(ChatModelClient client, ChatRequest request, Map<String, String> variables,
            Consumer<Throwable> onFailedAttempt, TextListener listener, Context trace, int attempt) {
        return Uni.createFrom().deferred(() -> {
            listener.attempt();
            long started = System.nanoTime();
            Span span = span(client, request, trace, attempt);
            return client.complete(request, variables, listener).invoke(response -> {
                metrics.providerCall(client.provider(), request.model(), null, System.nanoTime() - started);
                metrics.tokens(client.provider(), request.model(), response.usage());
                span.setAttribute("http.response.status_code", 200);
                if (response.usage() != null) {
                    span.setAttribute("gen_ai.usage.input_tokens", response.usage().input());
                    span.setAttribute("gen_ai.usage.output_tokens", response.usage().output());
                }
            }).onFailure().invoke(failure -> {
                metrics.providerCall(client.provider(), request.model(), failure, System.nanoTime() - started);
                if (failure instanceof ProviderException provider && provider.status() != 0) {
                    span.setAttribute("http.response.status_code", provider.status());
                }
                // The type only: a provider's message may quote what it was sent.
                span.setAttribute("error.type", failure.getClass().getSimpleName());
                span.setStatus(StatusCode.ERROR);
            }).onTermination().invoke(span::end);
        }).onFailure().recoverWithUni(failure -> {
            onFailedAttempt.accept(failure);
            Duration wait = waitBeforeNext(failure, attempt);
            if (wait == null) {
                return Uni.createFrom().failure(failure);
            }
            metrics.providerRetry(client.provider(), request.model(), wait,
                    failure instanceof ProviderException provider && provider.retryAfter() != null);
            LOG.infof("%s attempt %d of %d failed (%s); next attempt in %d ms", client.provider(), attempt,
                    retry.maxAttempts(), status(failure), wait.toMillis());
            // Retry-After: 0 means at once (Mutiny refuses a zero delay).
            Uni<Void> pause = wait.isZero() ? Uni.createFrom().voidItem()
                    : Uni.createFrom().voidItem().onItem().delayIt().by(wait);
            return pause.chain(() -> attempt(client, request, variables, onFailedAttempt, listener, trace, attempt + 1));
        });
    }

    /** One attempt's span, under {@code trace}: provider, model and attempt; status and tokens come with the end. */
    private Span span(ChatModelClient client, ChatRequest request, Context trace, int attempt) {
        return tracer.spanBuilder("chat " + request.model())
                .setParent(trace)
                .setSpanKind(SpanKind.CLIENT)
                .setAttribute("gen_ai.operation.name", "chat")
                .setAttribute("gen_ai.provider.name", client.provider())
                .setAttribute("gen_ai.request.model", request.model())
                .setAttribute("promptjuggler.attempt", attempt)
                .startSpan();
    }

    /** @return how long to wait before the next attempt, or null when there is none */
    Duration waitBeforeNext(Throwable failure, int attempt) {
        if (!(failure instanceof ProviderException provider) || !provider.retryable() || attempt >= retry.maxAttempts()) {
            return null;
        }
        if (provider.retryAfter() != null) {
            return provider.retryAfter().compareTo(retry.maxRetryAfter()) <= 0 ? provider.retryAfter() : null;
        }
        long exponential = retry.baseBackoff().toMillis() << Math.min(attempt - 1, 20);
        long capped = Math.min(exponential, retry.maxBackoff().toMillis());
        // Half fixed, half random: callers that failed together do not come back together.
        return Duration.ofMillis(capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1));
    }

    /** Status only: a provider's message may quote what it was sent. */
    private static String status(Throwable failure) {
        return failure instanceof ProviderException provider
                ? (provider.status() == 0 ? "no answer" : "status " + provider.status())
                : failure.getClass().getSimpleName();
    }
}
