package dev.promptjuggler.gateway.api;

import dev.promptjuggler.gateway.service.ApiKeyScope;
import dev.promptjuggler.gateway.service.ApiKeyService;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.MDC;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Authenticates {@code Authorization: Bearer <api key>} on the public and management APIs, and
 * {@code Authorization: Token <api key>} on the Promptly API ({@code /api/apps}, {@code /api/datasources}), whose
 * clients send the key under that scheme.
 */
public class ApiKeyFilter {

    private static final String BEARER = "Bearer ";
    private static final String TOKEN = "Token ";

    private final ApiKeyService apiKeys;
    private final Caller caller;

    public ApiKeyFilter(ApiKeyService apiKeys, Caller caller) {
        this.apiKeys = apiKeys;
        this.caller = caller;
    }

    @ServerRequestFilter(priority = Priorities.AUTHENTICATION)
    public Uni<Response> authenticate(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        boolean guarded = path.startsWith("/api/") || path.startsWith("/manage/");
        if (!guarded || path.equals(BootstrapResource.PATH)) {
            return Uni.createFrom().nullItem();
        }
        String scheme = isPromptlyPath(path) ? TOKEN : BEARER;
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.startsWith(scheme) || header.length() == scheme.length()) {
            return Uni.createFrom().item(ErrorMappers.error(401, "missing API key: send Authorization: " + scheme + "<key>"));
        }
        boolean management = path.startsWith("/manage/");
        return apiKeys.authenticate(header.substring(scheme.length()).trim())
                .map(found -> {
                    if (found.isEmpty()) {
                        return ErrorMappers.error(401, "invalid or revoked API key");
                    }
                    if (management && found.get().key().scope() != ApiKeyScope.ADMIN) {
                        return ErrorMappers.error(403, "this key's scope (" + found.get().key().scope().wireName()
                                + ") does not allow the management API");
                    }
                    caller.authenticate(found.get());
                    // On the request's Vert.x context: every line logged while handling it names the tenant.
                    MDC.put("tenantId", found.get().key().tenantId().toString());
                    return null;
                });
    }

    /** The Promptly API's resources, outside the public API's {@code /api/v1}. */
    static boolean isPromptlyPath(String path) {
        return path.equals("/api/apps") || path.startsWith("/api/apps/")
                || path.equals("/api/datasources") || path.startsWith("/api/datasources/");
    }
}
