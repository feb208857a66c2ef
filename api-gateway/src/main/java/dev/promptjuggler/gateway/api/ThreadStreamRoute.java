package dev.promptjuggler.gateway.api;

import dev.promptjuggler.gateway.config.StreamConfig;
import dev.promptjuggler.gateway.service.StreamTokens.Grant;
import dev.promptjuggler.gateway.service.ThreadStreamService;
import dev.promptjuggler.gateway.stream.StreamHub;
import dev.promptjuggler.gateway.stream.Subscription;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * {@code GET /api/v1/threads/{thread}/stream}: the thread's frames as server-sent events, for the bearer of a stream
 * token (docs/api.md, "Live streams"). A Vert.x route rather than a resource: a stream stays open for as long as
 * the client wants it, thousands at once, and writes what {@link StreamHub} hands it; it is also outside the API-key
 * filter, since a stream token is the only credential it accepts. Browsers call it from the customer's own
 * origin, so it answers CORS itself (the credential is a header, never a cookie: any origin may read it).
 */
@ApplicationScoped
public class ThreadStreamRoute {

    private static final Logger LOG = Logger.getLogger(ThreadStreamRoute.class);
    private static final String PATTERN = "/api/v1/threads/:thread/stream";
    /** The path as the OpenAPI document names it. */
    static final String DOCUMENTED_PATH = "/api/v1/threads/{thread}/stream";
    private static final String BEARER = "Bearer ";
    private static final String LAST_EVENT_ID = "Last-Event-ID";

    private final ThreadStreamService streams;
    private final StreamHub hub;
    private final int maxQueuedBytes;

    public ThreadStreamRoute(ThreadStreamService streams, StreamHub hub, StreamConfig config) {
        this.streams = streams;
        this.hub = hub;
        this.maxQueuedBytes = config.maxQueuedBytes();
    }

    /** The stream's path, relative to the API's base URI. */
    static String path(UUID threadId) {
        return "api/v1/threads/" + threadId + "/stream";
    }

    void install(@Observes Router router) {
        router.route(HttpMethod.OPTIONS, PATTERN).order(RouteConstants.ROUTE_ORDER_BEFORE_DEFAULT)
                .handler(this::preflight);
        router.route(HttpMethod.GET, PATTERN).order(RouteConstants.ROUTE_ORDER_BEFORE_DEFAULT).handler(this::stream);
    }

    private void preflight(RoutingContext context) {
        context.response().setStatusCode(204)
                .putHeader("Access-Control-Allow-Origin", "*")
                .putHeader("Access-Control-Allow-Methods", "GET")
                .putHeader("Access-Control-Allow-Headers", "Authorization, Last-Event-ID, Cache-Control")
                .putHeader("Access-Control-Max-Age", "600")
                .end();
    }

    private void stream(RoutingContext context) {
        context.response().putHeader("Access-Control-Allow-Origin", "*");
        UUID threadId;
        try {
            threadId = PathParams.uuid(context.pathParam("thread"), "thread", "thread");
        } catch (ApiException e) {
            fail(context, e);
            return;
        }
        String header = context.request().getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.startsWith(BEARER) || header.length() == BEARER.length()) {
            fail(context, ApiException.unauthorized("missing stream token: send Authorization: Bearer <token>"));
            return;
        }
        streams.authorize(header.substring(BEARER.length()).trim(), threadId).subscribe().with(
                grant -> open(context, grant),
                failure -> fail(context, failure));
    }

    private void open(RoutingContext context, Grant grant) {
        HttpServerResponse response = context.response();
        if (response.closed()) {
            return;
        }
        if (!hub.accepting()) {
            response.putHeader(HttpHeaders.RETRY_AFTER, "1");
            fail(context, new ApiException(503, "this gateway is shutting down: reconnect"));
            return;
        }
        response.setChunked(true)
                .setWriteQueueMaxSize(maxQueuedBytes)
                .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream; charset=utf-8")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                // Proxies that buffer responses (nginx) would hold frames back.
                .putHeader("X-Accel-Buffering", "no");
        var channels = new LinkedHashSet<>(context.queryParam("channel"));
        var target = new Subscription.Target(grant.tenantId(), grant.threadId(), channels, response);
        Subscription subscription = hub.subscribe(target,
                Optional.ofNullable(context.request().getHeader(LAST_EVENT_ID)));
        // Headers go out now, after the subscription is in place: whatever is published once the client sees
        // them reaches it.
        response.write(Subscription.PING);
        response.closeHandler(closed -> hub.unsubscribe(subscription));
        if (response.closed()) {
            hub.unsubscribe(subscription);
        }
    }

    private static void fail(RoutingContext context, Throwable failure) {
        int status;
        String message;
        if (failure instanceof ApiException api) {
            status = api.status();
            message = api.getMessage();
        } else if (ErrorMappers.databaseUnreachable(failure)) {
            status = 503;
            message = "the database is unavailable, try again shortly";
        } else {
            LOG.error("Unexpected failure opening a stream", failure);
            status = 500;
            message = "internal error";
        }
        if (!context.response().closed() && !context.response().headWritten()) {
            context.response().setStatusCode(status)
                    .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .end(new JsonObject().put("error", message).encode());
        }
    }
}
