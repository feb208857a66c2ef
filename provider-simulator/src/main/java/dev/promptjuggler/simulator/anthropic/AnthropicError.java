package dev.promptjuggler.simulator.anthropic;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.UUID;

/**
 * Anthropic's error body: {@code {"type": "error", "error": {"type": "...", "message": "..."}, "request_id": "..."}}.
 */
@JsonPropertyOrder({"type", "error", "request_id"})
public record AnthropicError(String type, Detail error, @JsonProperty("request_id") String requestId) {

    public record Detail(String type, String message) {
    }

    /** The error response Anthropic sends for {@code status}, with its error type. */
    public static Response response(int status, String message) {
        String type = switch (status) {
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            case 529 -> "overloaded_error";
            default -> status >= 500 ? "api_error" : "invalid_request_error";
        };
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new AnthropicError("error", new Detail(type, message), "req_sim_" + UUID.randomUUID().toString().replace("-", "")))
                .build();
    }
}
