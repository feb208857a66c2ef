package dev.promptjuggler.ingest.api;

import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import java.util.stream.Collectors;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Errors in the platform's shape, {@code {"error": "..."}}, so the gateway can pass them on as they are. */
public class ErrorMapper {

    @ServerExceptionMapper
    public Response validation(ConstraintViolationException e) {
        String message = e.getConstraintViolations().stream()
                .map(violation -> {
                    String[] path = violation.getPropertyPath().toString().split("\\.");
                    return path[path.length - 1] + " " + violation.getMessage();
                })
                .sorted()
                .collect(Collectors.joining("; "));
        return error(422, message);
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        return error(e.getResponse().getStatus(), e.getResponse().getStatus() == 404 ? "not found" : e.getMessage());
    }

    private static Response error(int status, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(Map.of("error", message)).build();
    }
}
