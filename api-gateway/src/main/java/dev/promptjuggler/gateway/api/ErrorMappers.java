package dev.promptjuggler.gateway.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.VertxException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.NotAcceptableException;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Every error leaves the gateway as {@code {"error": "..."}} naming the problem; nothing else reaches the
 * caller: the gateway's own refusals, bodies Jackson cannot bind (the field's path named), what RESTEasy
 * answers itself (no such endpoint, method, media type), a database that cannot be reached (503 with
 * {@code Retry-After}) and, last, anything unexpected (500, logged).
 */
public class ErrorMappers {

    private static final Logger LOG = Logger.getLogger(ErrorMappers.class);

    /** Long enough for PostgreSQL to restart or fail over; clients retry after it. */
    static final int DATABASE_RETRY_AFTER_SECONDS = 5;

    @ServerExceptionMapper
    public Response api(ApiException e) {
        return error(e.status(), e.getMessage());
    }

    @ServerExceptionMapper
    public Response validation(ConstraintViolationException e) {
        String message = e.getConstraintViolations().stream()
                .map(ErrorMappers::describe)
                .sorted()
                .collect(Collectors.joining("; "));
        return error(422, message);
    }

    @ServerExceptionMapper
    public Response mismatchedJson(MismatchedInputException e) {
        if (e.getMessage() != null && e.getMessage().startsWith("Trailing token")) {
            return error(400, "malformed JSON: more follows the body's value");
        }
        return error(422, JsonProblems.describe(e));
    }

    @ServerExceptionMapper
    public Response malformedJson(JsonProcessingException e) {
        return error(400, "malformed JSON: " + e.getOriginalMessage());
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e, ContainerRequestContext request) {
        // The JSON reader reports unreadable bodies as a bare 400 with the parser's exception as cause.
        if (e.getCause() instanceof MismatchedInputException mismatch) {
            return mismatchedJson(mismatch);
        }
        if (e.getCause() instanceof JsonProcessingException malformed) {
            return malformedJson(malformed);
        }
        String method = request.getMethod();
        String path = request.getUriInfo().getPath();
        if (e instanceof NotFoundException) {
            return error(404, "not found: no endpoint " + method + " " + path);
        }
        if (e instanceof NotAllowedException) {
            Set<String> allowed = new TreeSet<>(e.getResponse().getAllowedMethods());
            String message = "method " + method + " is not allowed on " + path;
            return allowed.isEmpty() ? error(405, message)
                    : Response.fromResponse(error(405, message + "; allowed: " + String.join(", ", allowed)))
                            .allow(allowed).build();
        }
        if (e instanceof NotSupportedException) {
            String type = request.getHeaderString(HttpHeaders.CONTENT_TYPE);
            return error(415, (type == null ? "a body without Content-Type" : "Content-Type " + type)
                    + " is not accepted here: JSON bodies are sent as application/json,"
                    + " document uploads as multipart/form-data");
        }
        if (e instanceof NotAcceptableException) {
            return error(406, "cannot answer in " + request.getHeaderString(HttpHeaders.ACCEPT)
                    + ": responses are application/json");
        }
        int status = e.getResponse().getStatus();
        if (status == 413) {
            return error(413, "request body too large");
        }
        return error(status, e.getMessage());
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e) {
        if (databaseUnreachable(e)) {
            LOG.warnf("PostgreSQL cannot be reached: %s", e.toString());
            return Response.fromResponse(error(503, "the database is unavailable, try again shortly"))
                    .header(HttpHeaders.RETRY_AFTER, DATABASE_RETRY_AFTER_SECONDS).build();
        }
        if (sqlState(e, "22021")) {
            // Text with a NUL character, which PostgreSQL cannot store; bodies and path parameters are
            // checked before they get here, so this is what slipped past them.
            return error(422, "text must not contain the NUL character (\\u0000)");
        }
        LOG.error("Unexpected failure", e);
        return error(500, "internal error");
    }

    static Response error(int status, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(new ErrorResponse(message)).build();
    }

    /**
     * Connection refused, reset or lost, no pooled connection within the pool's wait, or the server saying
     * it cannot serve now (shutting down, starting up, in recovery, out of connections): what a retry cures.
     */
    static boolean databaseUnreachable(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            String message = cause.getMessage() == null ? "" : cause.getMessage();
            // IOException: a reset connection surfaces from the socket as a plain one ("Connection reset by peer").
            if (cause instanceof IOException || cause instanceof ConnectTimeoutException
                    || cause instanceof ClosedConnectionException
                    || cause instanceof TimeoutException && message.contains("waiting for connection")
                    || cause instanceof VertxException && message.matches("Connection (is|was) closed.*")
                    // A pooled connection the server closed, used before the pool noticed (Vert.x's internal
                    // NoStackTraceThrowable, hence the message): seen while PostgreSQL restarted under load.
                    || message.startsWith("Connection is not active now")) {
                return true;
            }
            if (cause instanceof PgException pg && pg.getSqlState() != null
                    && (pg.getSqlState().startsWith("08") || pg.getSqlState().startsWith("57P")
                            || pg.getSqlState().equals("53300"))) {
                return true;
            }
            if (cause == cause.getCause()) {
                break;
            }
        }
        return false;
    }

    private static boolean sqlState(Throwable failure, String state) {
        for (Throwable cause = failure; cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            if (cause instanceof PgException pg && state.equals(pg.getSqlState())) {
                return true;
            }
        }
        return false;
    }

    private static String describe(ConstraintViolation<?> violation) {
        String path = violation.getPropertyPath().toString();
        // Drop the method and parameter names ("create.body."), keep the field path the caller wrote.
        String[] parts = path.split("\\.", 3);
        String field = parts.length == 3 ? parts[2] : parts[parts.length - 1];
        return field + " " + violation.getMessage();
    }
}
