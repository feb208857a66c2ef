package dev.promptjuggler.simulator.openai;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * OpenAI's error body: {@code {"error":{"message":"...","type":"...","param":null,"code":null}}}.
 * {@code param} and {@code code} are always present, {@code null} when not applicable.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record OpenAiError(Detail error) {

    /** OpenAI's error type for client mistakes. */
    public static final String INVALID_REQUEST_ERROR = "invalid_request_error";
    /** OpenAI's error type for failures on the server side. */
    public static final String SERVER_ERROR = "server_error";

    /** The inner error object. */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @JsonPropertyOrder({"message", "type", "param", "code"})
    public record Detail(String message, String type, String param, String code) {
    }

    public static OpenAiError of(String message, String type, String param, String code) {
        return new OpenAiError(new Detail(message, type, param, code));
    }

    /** A JSON response with this body and {@code status}. */
    public Response toResponse(int status) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(this).build();
    }
}
