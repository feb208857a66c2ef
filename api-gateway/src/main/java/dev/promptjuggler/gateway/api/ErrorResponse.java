package dev.promptjuggler.gateway.api;

/** The body of every non-2xx response, as the SDK's {@code ErrorResponse}. */
public record ErrorResponse(String error) {
}
