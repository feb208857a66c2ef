package dev.promptjuggler.gateway.api;

import dev.promptjuggler.gateway.service.Slugs;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Path and query parameters are checked once, here, before any endpoint uses them: no control characters
 * (a {@code %00} in a slug reached PostgreSQL, which cannot store NUL, as a 500) and no value longer than
 * {@value #MAX_LENGTH} characters (no slug, tag, key or id is). Each refusal is a 400 naming the parameter;
 * whether an id is a UUID is the endpoint's to say ({@link PathParams}).
 */
public class RequestParameterRules {

    static final int MAX_LENGTH = Slugs.MAX_LENGTH;

    @ServerRequestFilter(priority = Priorities.USER)
    public Optional<Response> check(ContainerRequestContext request) {
        return problem("", request.getUriInfo().getPathParameters(true))
                .or(() -> problem("query parameter ", request.getUriInfo().getQueryParameters(true)))
                .map(problem -> ErrorMappers.error(400, problem));
    }

    private static Optional<String> problem(String kind, MultivaluedMap<String, String> parameters) {
        for (Map.Entry<String, List<String>> parameter : parameters.entrySet()) {
            for (String value : parameter.getValue()) {
                if (value.length() > MAX_LENGTH) {
                    return Optional.of(kind + parameter.getKey() + " is longer than " + MAX_LENGTH + " characters");
                }
                if (value.chars().anyMatch(Character::isISOControl)) {
                    return Optional.of(kind + parameter.getKey() + " must not contain control characters");
                }
            }
        }
        return Optional.empty();
    }
}
