package dev.promptjuggler.runtime.http;

import dev.promptjuggler.contracts.net.AddressPolicy;
import dev.promptjuggler.contracts.net.OutboundUrl;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.tracing.TracingPolicy;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An HTTP request to an address a tenant chose (a webhook endpoint, an http tool), made so it cannot reach
 * what the {@link AddressPolicy} refuses: the URL's host is resolved here (a literal needs no lookup), every
 * address it resolves to is checked, and the connection goes to the checked address, so a second DNS answer
 * cannot slip past the check. The URL's host still names the Host header, the TLS server name (SNI) and the
 * certificate check. Redirects are never followed, the whole exchange (lookup included) has one deadline,
 * and only the first bytes of a response body are read.
 */
public final class GuardedHttp {

    private final Vertx vertx;
    private final AddressPolicy policy;
    private final HttpClient http;

    /**
     * @param options the caller's pool, connect timeout, keep-alive and trust; SNI and host verification are
     *                forced on, since the connection names an address and only they tie it to the URL's host
     */
    public GuardedHttp(Vertx vertx, HttpClientOptions options, AddressPolicy policy) {
        this.vertx = vertx;
        this.policy = policy;
        // Untraced by Vert.x: the exchange starts on a context of its own, where no span is current, so Vert.x would
        // start a new trace for it. A caller that traces the request sends its traceparent header itself.
        this.http = vertx.createHttpClient(new HttpClientOptions(options).setForceSni(true).setVerifyHost(true)
                .setTracingPolicy(TracingPolicy.IGNORE));
    }

    /**
     * @param headers   sent as given (the caller sets User-Agent, Content-Type)
     * @param body      the request body, or null for none
     * @param timeout   from the call to the last byte read; then the request is reset and the exchange fails
     *                  with a {@link TimeoutException}
     * @param readLimit the most bytes of the response body read; the connection is dropped after them
     */
    public record Request(HttpMethod method, OutboundUrl target, MultiMap headers, Buffer body, Duration timeout,
            int readLimit) {
    }

    /**
     * @param body        the body's first bytes, up to the read limit
     * @param readFailure why the body broke off before its end, or null when it was read to its end or the limit
     */
    public record Response(int status, MultiMap headers, Buffer body, Throwable readFailure) {
    }

    /** The URL's host is, or resolves to, an address the policy refuses; nothing was connected to. */
    public static final class BlockedAddress extends RuntimeException {

        private final String addressRefusal;

        BlockedAddress(String message, String addressRefusal) {
            super(message, null, false, false);
            this.addressRefusal = addressRefusal;
        }

        /** Why the refused address is refused, e.g. {@code "169.254.169.254 is not a public address"}. */
        public String addressRefusal() {
            return addressRefusal;
        }
    }

    /**
     * @return the response, or a failure: {@link BlockedAddress}, {@link java.net.UnknownHostException},
     *         {@link TimeoutException}, or whatever connecting, TLS or sending failed with
     */
    public Future<Response> send(Request request) {
        return new Exchange(request).start();
    }

    public void close() {
        http.close();
    }

    /** One request's state: the first of response, failure and deadline settles it, the others are ignored. */
    private final class Exchange {

        private final Request request;
        private final long startedNanos = System.nanoTime();
        private final Promise<Response> outcome = Promise.promise();
        private final AtomicBoolean finished = new AtomicBoolean();
        private final long timer;
        private volatile HttpClientRequest inFlight;

        Exchange(Request request) {
            this.request = request;
            long timeoutMs = request.timeout().toMillis();
            this.timer = vertx.setTimer(Math.max(1, timeoutMs), id -> {
                if (finished.compareAndSet(false, true)) {
                    HttpClientRequest sent = inFlight;
                    if (sent != null) {
                        sent.reset();
                    }
                    outcome.fail(new TimeoutException("no complete response within " + timeoutMs + " ms"));
                }
            });
        }

        Future<Response> start() {
            // On a Vert.x context every callback below runs on its thread, in order: the response's handlers are
            // set before its body can arrive. Composed from a thread outside Vert.x (a caller's own), the future
            // callbacks may run on another thread than the connection's, and a short body's end can be delivered
            // before the handlers exist, leaving the exchange to its deadline.
            vertx.getOrCreateContext().runOnContext(ignored -> exchange());
            return outcome.future();
        }

        private void exchange() {
            OutboundUrl target = request.target();
            // An address literal needs no lookup; a name is resolved by the system resolver, off the event loop.
            Future<InetAddress[]> resolved = target.address() != null
                    ? Future.succeededFuture(new InetAddress[] {target.address()})
                    : vertx.executeBlocking(() -> InetAddress.getAllByName(target.host()), false);
            resolved.compose(this::connectChecked)
                    .compose(this::readCapped)
                    .onFailure(this::fail);
        }

        private Future<HttpClientResponse> connectChecked(InetAddress[] addresses) {
            for (InetAddress address : addresses) {
                String refusal = policy.refusal(address);
                if (refusal != null) {
                    return Future.failedFuture(new BlockedAddress(
                            policy.refusal(request.target(), List.of(address)), refusal));
                }
            }
            if (finished.get()) {
                return Future.failedFuture(new TimeoutException("timed out before connecting"));
            }
            OutboundUrl target = request.target();
            long elapsedMs = (System.nanoTime() - startedNanos) / 1_000_000;
            RequestOptions options = new RequestOptions()
                    .setMethod(request.method())
                    .setServer(SocketAddress.inetSocketAddress(target.port(), addresses[0].getHostAddress()))
                    .setHost(target.host())
                    .setPort(target.port())
                    .setSsl(target.tls())
                    .setURI(target.pathAndQuery())
                    .setFollowRedirects(false)
                    .setIdleTimeout(Math.max(1, request.timeout().toMillis() - elapsedMs))
                    .setHeaders(request.headers());
            return http.request(options).compose(sent -> {
                inFlight = sent;
                if (finished.get()) {
                    // The deadline passed while connecting: the timer found nothing to reset.
                    sent.reset();
                }
                return request.body() == null ? sent.send() : sent.send(request.body());
            });
        }

        private Future<Void> readCapped(HttpClientResponse response) {
            int limit = request.readLimit();
            Buffer read = Buffer.buffer();
            response.handler(chunk -> {
                if (finished.get()) {
                    return;
                }
                read.appendBuffer(chunk, 0, Math.min(chunk.length(), limit - read.length()));
                if (read.length() >= limit) {
                    complete(response, read, null);
                    // The rest is not wanted: drop the connection instead of reading an unbounded body.
                    response.request().reset();
                }
            });
            response.exceptionHandler(failure -> complete(response, read, failure));
            response.endHandler(done -> complete(response, read, null));
            return Future.succeededFuture();
        }

        private void complete(HttpClientResponse response, Buffer read, Throwable readFailure) {
            if (finished.compareAndSet(false, true)) {
                vertx.cancelTimer(timer);
                outcome.complete(new Response(response.statusCode(), response.headers(), read, readFailure));
            }
        }

        private void fail(Throwable failure) {
            if (finished.compareAndSet(false, true)) {
                vertx.cancelTimer(timer);
                outcome.fail(failure);
            }
        }
    }
}
