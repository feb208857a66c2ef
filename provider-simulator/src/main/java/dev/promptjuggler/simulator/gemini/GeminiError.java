package dev.promptjuggler.simulator.gemini;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;

/**
 * Google's error body: {@code {"error": {"code": 429, "message": "...", "status": "RESOURCE_EXHAUSTED", "details":
 * [...]}}}; a 429 carries the wait in a {@code google.rpc.RetryInfo} detail.
 */
public record GeminiError(Detail error) {

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record Detail(int code, String message, String status, List<RetryInfo> details) {
    }

    public record RetryInfo(@JsonProperty("@type") String type, String retryDelay) {
    }

    /** @param retryAfterSeconds the wait to put in a RetryInfo detail, or null */
    public static Response response(int status, String message, String retryAfterSeconds) {
        String code = switch (status) {
            case 400 -> "INVALID_ARGUMENT";
            case 401 -> "UNAUTHENTICATED";
            case 403 -> "PERMISSION_DENIED";
            case 404 -> "NOT_FOUND";
            case 429 -> "RESOURCE_EXHAUSTED";
            case 503 -> "UNAVAILABLE";
            case 504 -> "DEADLINE_EXCEEDED";
            default -> status >= 500 ? "INTERNAL" : "FAILED_PRECONDITION";
        };
        List<RetryInfo> details = retryAfterSeconds != null && retryAfterSeconds.matches("\\d+(\\.\\d+)?")
                ? List.of(new RetryInfo("type.googleapis.com/google.rpc.RetryInfo", retryAfterSeconds + "s"))
                : List.of();
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new GeminiError(new Detail(status, message, code, details))).build();
    }
}
