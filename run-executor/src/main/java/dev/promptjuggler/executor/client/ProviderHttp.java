package dev.promptjuggler.executor.client;

import dev.promptjuggler.executor.config.ExecutorConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.core.tracing.TracingPolicy;
import io.vertx.mutiny.core.MultiMap;
import io.vertx.mutiny.core.Vertx;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.IntStream;

/**
 * The Vert.x HTTP clients every provider client posts through: JSON in, JSON out (or server-sent events, read event
 * by event as the bytes arrive), and every failure turned into a {@link ProviderException} with the provider's own
 * message and retry hint. A call whose caller goes away (its subscription cancelled: the run was stopped) resets its
 * request, which closes the connection to the provider.
 */
@ApplicationScoped
public class ProviderHttp {

    /**
     * Vert.x's HTTP/1.1 pool finds a free connection by scanning all of its connections to the host, so with one
     * pool the cost of each request grew with the runs in flight (with thousands in flight that scan was the
     * executor's hottest method: docs/benchmarks.md, executor, runs h and i). Requests are spread round-robin
     * over this many pools instead.
     */
    private static final int POOLS = 16;

    /** The most bytes of an error answer read from a stream request: enough for any provider's error object. */
    private static final int ERROR_BODY_LIMIT = 64 * 1024;

    private final io.vertx.core.Vertx vertx;
    private final List<HttpClient> clients;
    private final AtomicInteger next = new AtomicInteger();

    public ProviderHttp(Vertx vertx, ExecutorConfig executor) {
        this.vertx = vertx.getDelegate();
        HttpClientOptions options = new HttpClientOptions()
                // Up to one connection per run in flight in any pool: the default (5) would queue the rest.
                .setMaxPoolSize(executor.maxInFlight())
                // A provider that takes longer than this to accept a connection is down; the request timeout
                // (providers.<name>.timeout) bounds the whole call.
                .setConnectTimeout(10_000)
                // ChatModels traces each attempt with its provider, model and tokens; the client's own span would
                // not know the run and would start a trace of its own.
                .setTracingPolicy(TracingPolicy.IGNORE);
        this.clients = IntStream.range(0, POOLS).mapToObj(pool -> this.vertx.createHttpClient(options)).toList();
    }

    /**
     * Posts {@code body} and reads the answer as server-sent events, each handed to {@code onEvent} as soon as it is
     * complete. An error status is read whole and fails the call as {@link #post} does; so does no answer, a stream
     * that breaks off, an answer that is not an event stream (a server that ignored the streaming request; not
     * retried), or {@code timeout} passing before the stream's end (the request is then reset). What
     * {@code onEvent} throws fails the call too, and the request is reset.
     *
     * @param headers authentication and version headers; their values are never logged nor put in messages
     * @return completes when the stream ended
     */
    public Uni<Void> stream(String provider, String url, Map<String, String> headers, JsonObject body,
            Duration timeout, Consumer<SseParser.Event> onEvent) {
        HttpClient client = clients.get(Math.floorMod(next.getAndIncrement(), POOLS));
        return Uni.createFrom().emitter(emitter -> {
            StreamExchange exchange = new StreamExchange(provider, timeout, onEvent, () -> emitter.complete(null),
                    emitter::fail);
            emitter.onTermination(exchange::cancel);
            // On a Vert.x context every callback of the exchange runs on its thread, in order: the response's
            // handlers are set before its first bytes can arrive (runtime's GuardedHttp explains the race).
            vertx.getOrCreateContext().runOnContext(ignored -> exchange.start(client, url, headers, body));
        });
    }

    /** One streamed request: the first of its end, a failure and the deadline settles it; the others are ignored. */
    private final class StreamExchange {

        private final String provider;
        private final Duration timeout;
        private final SseParser parser;
        private final Runnable onEnd;
        private final Consumer<Throwable> onFailure;
        private final AtomicBoolean settled = new AtomicBoolean();
        private volatile HttpClientRequest inFlight;
        private volatile long timer = -1;

        StreamExchange(String provider, Duration timeout, Consumer<SseParser.Event> onEvent, Runnable onEnd,
                Consumer<Throwable> onFailure) {
            this.provider = provider;
            this.timeout = timeout;
            this.parser = new SseParser(onEvent);
            this.onEnd = onEnd;
            this.onFailure = onFailure;
        }

        void start(HttpClient client, String url, Map<String, String> headers, JsonObject body) {
            if (settled.get()) {
                return;
            }
            timer = vertx.setTimer(Math.max(1, timeout.toMillis()), id -> fail(new ProviderException(provider, 0,
                    "no complete answer within " + timeout.toMillis() + " ms", null)));
            client.request(request(url, headers))
                    .compose(request -> {
                        inFlight = request;
                        if (settled.get()) {
                            request.reset();
                        }
                        return request.send(body.toBuffer());
                    })
                    .onSuccess(this::read)
                    .onFailure(failure -> fail(new ProviderException(provider, 0, describe(failure), null)));
        }

        private void read(HttpClientResponse response) {
            response.exceptionHandler(failure -> fail(new ProviderException(provider, 0,
                    "the answer broke off: " + describe(failure), null)));
            if (response.statusCode() / 100 != 2) {
                Buffer error = Buffer.buffer();
                response.handler(chunk -> {
                    if (error.length() < ERROR_BODY_LIMIT) {
                        error.appendBuffer(chunk);
                    }
                });
                response.endHandler(ignored -> fail(failure(provider, response.statusCode(),
                        io.vertx.mutiny.core.MultiMap.newInstance(response.headers()), error.toString())));
                return;
            }
            String type = response.getHeader("Content-Type");
            if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("text/event-stream")) {
                // A server that ignored the streaming request (a whole JSON answer) would otherwise read as a
                // stream without events, which looks like an answer broken off and is retried to no avail.
                fail(new ProviderException(provider, response.statusCode(), "answered a streamed request with "
                        + (type == null ? "no Content-Type" : type) + " instead of text/event-stream; for a provider"
                        + " that does not stream, set providers." + provider + ".stream=false", null));
                return;
            }
            response.handler(chunk -> {
                if (settled.get()) {
                    return;
                }
                try {
                    parser.feed(chunk);
                } catch (RuntimeException e) {
                    fail(e);
                }
            });
            response.endHandler(ignored -> {
                if (settled.compareAndSet(false, true)) {
                    vertx.cancelTimer(timer);
                    onEnd.run();
                }
            });
        }

        private void fail(Throwable failure) {
            if (settled.compareAndSet(false, true)) {
                vertx.cancelTimer(timer);
                reset(inFlight);
                onFailure.accept(failure);
            }
        }

        /** The caller went away (e.g. the run's own deadline): the connection is not left streaming. */
        void cancel() {
            if (settled.compareAndSet(false, true)) {
                vertx.cancelTimer(timer);
                reset(inFlight);
            }
        }
    }

    /**
     * Posts {@code body} and reads the JSON answer whole. When the caller goes away before the answer (the run was
     * cancelled or ran out of time: its subscription is cancelled) the request is reset, so the connection to the
     * provider is closed rather than left waiting for an answer nobody reads.
     *
     * @param headers authentication and version headers; their values are never logged nor put in messages
     * @param timeout the whole call, connection included; past it the request is reset and the call fails
     */
    public Uni<JsonObject> post(String provider, String url, Map<String, String> headers, JsonObject body,
            Duration timeout) {
        HttpClient client = clients.get(Math.floorMod(next.getAndIncrement(), POOLS));
        return Uni.createFrom().emitter(emitter -> {
            AtomicBoolean settled = new AtomicBoolean();
            AtomicReference<HttpClientRequest> inFlight = new AtomicReference<>();
            Consumer<Throwable> fail = failure -> {
                if (settled.compareAndSet(false, true)) {
                    reset(inFlight.get());
                    emitter.fail(failure);
                }
            };
            emitter.onTermination(() -> {
                if (settled.compareAndSet(false, true)) {
                    reset(inFlight.get());
                }
            });
            vertx.getOrCreateContext().runOnContext(ignored -> {
                if (settled.get()) {
                    return;
                }
                long timer = vertx.setTimer(Math.max(1, timeout.toMillis()), id -> fail.accept(new ProviderException(
                        provider, 0, "no answer within " + timeout.toMillis() + " ms", null)));
                client.request(request(url, headers))
                        .compose(request -> {
                            inFlight.set(request);
                            if (settled.get()) {
                                request.reset();
                            }
                            return request.send(body.toBuffer());
                        })
                        .compose(response -> response.body().map(answer -> decode(provider, response.statusCode(),
                                MultiMap.newInstance(response.headers()), answer.toString())))
                        .onComplete(result -> {
                            vertx.cancelTimer(timer);
                            if (result.failed()) {
                                Throwable failure = result.cause();
                                fail.accept(failure instanceof ProviderException ? failure
                                        : new ProviderException(provider, 0, describe(failure), null));
                            } else if (settled.compareAndSet(false, true)) {
                                emitter.complete(result.result());
                            }
                        });
            });
        });
    }

    private static RequestOptions request(String url, Map<String, String> headers) {
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url)
                .putHeader("User-Agent", "promptjuggler-platform/run-executor")
                .putHeader("Content-Type", "application/json");
        headers.forEach(options::putHeader);
        return options;
    }

    private static void reset(HttpClientRequest request) {
        if (request != null) {
            request.reset();
        }
    }

    /**
     * The run's own key (its environment variable) wins over the service's.
     *
     * @throws IllegalStateException when neither exists
     */
    public static String apiKey(String provider, Map<String, String> variables, String variable,
            Optional<String> configured) {
        String own = variables.get(variable);
        if (own != null && !own.isBlank()) {
            return own;
        }
        return configured.filter(key -> !key.isBlank()).orElseThrow(() -> new IllegalStateException(
                "no API key for " + provider + ": set the environment variable " + variable
                        + " or the service's providers." + provider + ".api-key"));
    }

    private static JsonObject decode(String provider, int status, MultiMap headers, String body) {
        if (status / 100 == 2) {
            JsonObject json = json(body);
            if (json == null) {
                throw new ProviderException(provider, status, "the answer is not a JSON object", null);
            }
            return json;
        }
        throw failure(provider, status, headers, body);
    }

    /** An error answer: the provider's own message and retry hint. */
    private static ProviderException failure(String provider, int status, MultiMap headers, String body) {
        JsonObject json = json(body);
        return new ProviderException(provider, status, errorMessage(json, body), RetryHint.of(headers, json, Instant.now()));
    }

    /** The body as a JSON object, or null when it is none. */
    private static JsonObject json(String body) {
        try {
            return body == null || body.isBlank() ? null : new JsonObject(body);
        } catch (DecodeException | ClassCastException e) {
            return null;
        }
    }

    /** OpenAI, Anthropic and Gemini all put their message at {@code error.message}. */
    private static String errorMessage(JsonObject json, String body) {
        Object error = json == null ? null : json.getValue("error");
        if (error instanceof JsonObject object && object.getValue("message") instanceof String message) {
            return message;
        }
        return body == null || body.isBlank() ? "(no body)" : body;
    }

    private static String describe(Throwable failure) {
        return failure.getMessage() != null ? failure.getMessage() : failure.getClass().getSimpleName();
    }

    @PreDestroy
    void close() {
        clients.forEach(HttpClient::close);
    }
}
