package dev.promptjuggler.gateway.api;

import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * A request that announces a body over {@code quarkus.http.limits.max-body-size} gets its 413 in the error
 * shape. Quarkus's own route for that limit answers with an empty body before any exception mapper could
 * see the request, so this one runs just ahead of it; a body without Content-Length that grows past the
 * limit is stopped by Quarkus while RESTEasy reads it, and reaches {@link ErrorMappers}.
 */
@ApplicationScoped
public class OversizeBodyRoute {

    /** A length {@code Long.parseLong} reads; compiled once, as every request with a body passes here. */
    private static final Pattern LENGTH = Pattern.compile("[0-9]{1,18}");

    private final long limit;

    public OversizeBodyRoute(@ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize limit) {
        this.limit = limit.asLongValue();
    }

    void install(@Observes Router router) {
        router.route().order(RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT - 1).handler(this::refuseAnnouncedOversize);
    }

    private void refuseAnnouncedOversize(RoutingContext context) {
        String length = context.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length == null || !LENGTH.matcher(length).matches() || Long.parseLong(length) <= limit) {
            context.next();
            return;
        }
        String body = new JsonObject().put("error", "request body of " + length + " bytes exceeds the limit of "
                + limit + " bytes").encode();
        // The body is not read: the connection is closed once the answer is out, so the client stops sending it.
        context.response().setStatusCode(413)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader(HttpHeaders.CONNECTION, "close")
                .endHandler(done -> context.request().connection().close())
                .end(body);
    }
}
