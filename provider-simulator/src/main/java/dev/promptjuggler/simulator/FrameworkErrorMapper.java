package dev.promptjuggler.simulator;

import dev.promptjuggler.simulator.anthropic.AnthropicError;
import dev.promptjuggler.simulator.gemini.GeminiError;
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
 * <p>The shape follows the path: Anthropic's under {@code /v1/messages}, Gemini's under {@code /v1beta/}, OpenAI's
 * elsewhere.
 */
public class FrameworkErrorMapper {

    private static final Logger LOG = Logger.getLogger(FrameworkErrorMapper.class);

    @ServerExceptionMapper
    public Response mapWebApplicationException(WebApplicationException e, HttpServerRequest request) {
        int status = e.getResponse() != null ? e.getResponse().getStatus() : 500;
        String message = e instanceof NotFoundException
                ? "Invalid URL (" + request.method() + " " + request.path() + ")"
                : e.getMessage();
        return error(request.path(), status, message);
    }

    @ServerExceptionMapper
    public Response mapUnexpected(RuntimeException e, HttpServerRequest request) {
        LOG.error("Unexpected error in the provider simulator", e);
        return error(request.path(), 500, "The server had an error while processing your request.");
    }

    private static Response error(String path, int status, String message) {
        if (path.startsWith("/v1/messages")) {
            return AnthropicError.response(status, message);
        }
        if (path.startsWith("/v1beta/")) {
            return GeminiError.response(status, message, null);
        }
        String type = status >= 500 ? OpenAiError.SERVER_ERROR : OpenAiError.INVALID_REQUEST_ERROR;
        return OpenAiError.of(message, type, null, null).toResponse(status);
    }
}
