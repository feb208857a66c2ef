package dev.promptjuggler.gateway.api;

import dev.promptjuggler.gateway.config.GatewayConfig;
import jakarta.enterprise.inject.Instance;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.ext.Provider;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * What every JSON body must be before Jackson binds it, whatever the endpoint:
 * <ul>
 * <li>declared: RESTEasy would read a body without Content-Type as JSON (415);
 * <li>at most {@code gateway.max-json-body-bytes}, also when it arrives without a Content-Length (chunked),
 * which {@link JsonBodySizeFilter} cannot see (413);
 * <li>not the literal {@code null}, which Jackson would hand over as no body at all, so that an endpoint
 * whose body is optional would act on it (422);
 * <li>free of the NUL character ({@code \u0000}, the only way JSON can carry it), which PostgreSQL cannot
 * store in text or jsonb (422).
 * </ul>
 * An absent (empty) body passes: endpoints that need one refuse it by their {@code @NotNull}.
 */
@Provider
public class JsonBodyRules implements ReaderInterceptor {

    // Looked up when a body arrives: RESTEasy creates its interceptors before runtime configuration exists.
    private final Instance<GatewayConfig> config;

    public JsonBodyRules(Instance<GatewayConfig> config) {
        this.config = config;
    }

    @Override
    public Object aroundReadFrom(ReaderInterceptorContext context) throws IOException {
        boolean declared = context.getHeaders().getFirst(HttpHeaders.CONTENT_TYPE) != null;
        MediaType type = context.getMediaType();
        if (declared && (type == null || !type.isCompatible(MediaType.APPLICATION_JSON_TYPE))) {
            return context.proceed();
        }
        long limit = config.get().maxJsonBodyBytes();
        byte[] body = context.getInputStream().readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
        if (body.length > 0 && !declared) {
            // RESTEasy reads a body without Content-Type as the endpoint's own type; the caller must say it.
            throw new ApiException(415, "a body without Content-Type is not accepted: send it as application/json");
        }
        if (body.length > limit) {
            throw new ApiException(413, "request body exceeds the limit of " + limit + " bytes for JSON requests");
        }
        String text = new String(body, StandardCharsets.UTF_8);
        if (text.strip().equals("null")) {
            throw ApiException.invalid("body must be a JSON object, not null");
        }
        if (escapesNul(text)) {
            throw ApiException.invalid("body must not contain the NUL character (\\u0000)");
        }
        context.setInputStream(new ByteArrayInputStream(body));
        return context.proceed();
    }

    /** Whether {@code \u0000} appears as an escape, not as text after an escaped backslash ({@code \\u0000}). */
    static boolean escapesNul(String json) {
        int at = json.indexOf("u0000");
        while (at >= 0) {
            int backslashes = 0;
            for (int i = at - 1; i >= 0 && json.charAt(i) == '\\'; i--) {
                backslashes++;
            }
            if (backslashes % 2 == 1) {
                return true;
            }
            at = json.indexOf("u0000", at + 1);
        }
        return false;
    }
}
