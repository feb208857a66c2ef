package dev.promptjuggler.simulator;

import dev.promptjuggler.simulator.openai.OpenAiError;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Errors raised by the REST layer itself (unknown path, wrong method, unsupported media type, unexpected failures)
 * rendered in a provider's error shape instead of Quarkus' defaults, so clients under test always see
 * provider-like errors.
 *
 * <p>Only the OpenAI format exists today, so every path gets OpenAI's shape. When another provider format is added,
 * pick the shape here by request path (e.g. Anthropic's {@code /v1/messages}).
 */
public class FrameworkErrorMapper {

    private static final Logger LOG = Logger.getLogger(FrameworkErrorMapper.class);

    @ServerExceptionMapper
    public Response mapWebApplicationException(WebApplicationException e, HttpServerRequest request) {
        int status = e.getResponse() != null ? e.getResponse().getStatus() : 500;
        String message = e instanceof NotFoundException
                ? "Invalid URL (" + request.method() + " " + request.path() + ")"
                : e.getMessage();
        String type = status >= 500 ? OpenAiError.SERVER_ERROR : OpenAiError.INVALID_REQUEST_ERROR;
        return OpenAiError.of(message, type, null, null).toResponse(status);
    }

    @ServerExceptionMapper
    public Response mapUnexpected(RuntimeException e) {
        LOG.error("Unexpected error in the provider simulator", e);
        return OpenAiError.of("The server had an error while processing your request.", OpenAiError.SERVER_ERROR,
                null, null).toResponse(500);
    }
}
