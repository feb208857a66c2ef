package dev.promptjuggler.simulator.openai;

import jakarta.ws.rs.core.Response;

/**
 * A request the simulated OpenAI API rejects, with the HTTP status and OpenAI-shaped body to answer with.
 * Thrown by the request reader, turned into a response by {@link ChatCompletionResource}.
 */
public final class OpenAiApiException extends RuntimeException {

    private final int status;
    private final OpenAiError body;

    public OpenAiApiException(int status, OpenAiError body) {
        super(body.error().message(), null, false, false);
        this.status = status;
        this.body = body;
    }

    /** 400 {@code invalid_request_error}. */
    public static OpenAiApiException badRequest(String message, String param, String code) {
        return new OpenAiApiException(400, OpenAiError.of(message, OpenAiError.INVALID_REQUEST_ERROR, param, code));
    }

    public int status() {
        return status;
    }

    public OpenAiError body() {
        return body;
    }

    public Response toResponse() {
        return body.toResponse(status);
    }
}
