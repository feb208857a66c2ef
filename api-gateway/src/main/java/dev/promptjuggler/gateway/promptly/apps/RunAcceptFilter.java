package dev.promptjuggler.gateway.promptly.apps;

import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.util.regex.Pattern;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * A run's answer is JSON or, with {@code "stream": true}, one JSON object a line: the body decides, not the
 * {@code Accept} header, which Promptly's clients send as {@code application/json} either way. So the run endpoints
 * take any Accept rather than refuse one with 406.
 */
public class RunAcceptFilter {

    private static final Pattern RUN = Pattern.compile("/api/apps/[^/]+/run(/[^/]+)?/?");

    @ServerRequestFilter(preMatching = true)
    public void acceptAnything(ContainerRequestContext request) {
        if (HttpMethod.POST.equals(request.getMethod()) && RUN.matcher(request.getUriInfo().getPath()).matches()) {
            request.getHeaders().putSingle(HttpHeaders.ACCEPT, MediaType.WILDCARD);
        }
    }
}
