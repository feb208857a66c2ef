package dev.promptjuggler.gateway.api;

import dev.promptjuggler.gateway.config.GatewayConfig;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Optional;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/** JSON bodies over {@code gateway.max-json-body-bytes} get 413 before anything reads them. */
public class JsonBodySizeFilter {

    private final long limit;

    public JsonBodySizeFilter(GatewayConfig config) {
        this.limit = config.maxJsonBodyBytes();
    }

    @ServerRequestFilter(preMatching = true)
    public Optional<Response> limit(ContainerRequestContext request) {
        MediaType type = request.getMediaType();
        if (type == null || !type.isCompatible(MediaType.APPLICATION_JSON_TYPE) || request.getLength() <= limit) {
            return Optional.empty();
        }
        return Optional.of(ErrorMappers.error(413, "request body of " + request.getLength()
                + " bytes exceeds the limit of " + limit + " bytes for JSON requests"));
    }
}
