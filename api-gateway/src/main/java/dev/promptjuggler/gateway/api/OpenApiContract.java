package dev.promptjuggler.gateway.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.media.Content;
import org.eclipse.microprofile.openapi.models.parameters.Parameter;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;

/**
 * The error responses of every operation, added to the generated OpenAPI document (mp.openapi.filter): the
 * filters and mappers that produce them (ApiKeyFilter, RateLimitFilter, JsonBodySizeFilter, ErrorMappers)
 * apply to every operation alike, so they are described here once rather than on each resource method.
 * Each gets the {@code {"error"}} schema and an example of the message the gateway sends; statuses only
 * some operations have (409, 503, a 404 without a path parameter) are declared on the resource method and
 * get the same schema here. Also: the bootstrap operation authenticates with its own token, not an API key.
 */
public class OpenApiContract implements OASFilter {

    private static final String ERROR_SCHEMA = "#/components/schemas/ErrorResponse";

    /** Description and example message per status, as the gateway's filters and mappers word them. */
    private static final Map<String, String[]> GENERIC = Map.of(
            "400", new String[] {"Malformed JSON", "malformed JSON: Unexpected end-of-input"},
            "401", new String[] {"Missing, invalid or revoked API key",
                "missing API key: send Authorization: Bearer <key>"},
            "403", new String[] {"The key's scope (api) does not allow the management API",
                "this key's scope (api) does not allow the management API"},
            "404", new String[] {"Not found: unknown, or another tenant's", "not found"},
            "413", new String[] {"Request body too large",
                "request body of 2000000 bytes exceeds the limit of 1048576 bytes for JSON requests"},
            "422", new String[] {"Invalid input; the message names the field", "name must not be blank"},
            "429", new String[] {"Rate limit of the API key exceeded (when enabled); Retry-After says when",
                "rate limit exceeded: 100 requests per 1 s for this API key"},
            "500", new String[] {"Unexpected failure", "internal error"});

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        openAPI.getPaths().getPathItems()
                .forEach((path, item) -> item.getOperations().values().forEach(op -> describeErrors(path, op)));
    }

    private void describeErrors(String path, Operation operation) {
        APIResponses responses = operation.getResponses();
        Map<String, String[]> errors = new LinkedHashMap<>();
        if (path.equals(BootstrapResource.PATH)) {
            operation.setSecurity(List.of(OASFactory.createSecurityRequirement().addScheme("BootstrapToken")));
            errors.put("401", new String[] {"Missing or wrong X-Bootstrap-Token",
                "missing or wrong X-Bootstrap-Token"});
            errors.put("403", new String[] {"Bootstrap is disabled (no gateway.bootstrap-token set)",
                "bootstrap is disabled: set gateway.bootstrap-token"});
        } else {
            errors.put("401", GENERIC.get("401"));
            if (path.startsWith("/manage/")) {
                errors.put("403", GENERIC.get("403"));
            }
            errors.put("429", GENERIC.get("429"));
        }
        List<Parameter> parameters = operation.getParameters() == null ? List.of() : operation.getParameters();
        if (parameters.stream().anyMatch(p -> p.getIn() == Parameter.In.PATH)) {
            errors.put("404", GENERIC.get("404"));
        }
        if (operation.getRequestBody() != null) {
            errors.put("400", GENERIC.get("400"));
            errors.put("413", GENERIC.get("413"));
        }
        boolean queried = parameters.stream().anyMatch(p -> p.getIn() == Parameter.In.QUERY);
        if (operation.getRequestBody() != null || queried) {
            errors.put("422", GENERIC.get("422"));
        }
        errors.put("500", GENERIC.get("500"));

        errors.forEach((status, text) -> {
            APIResponse response = responses.getAPIResponse(status);
            if (response == null) {
                responses.addAPIResponse(status, errorResponse(text[0], text[1]));
            } else if (response.getContent() == null || response.getContent().getMediaTypes().isEmpty()) {
                String generated = response.getDescription();
                responses.addAPIResponse(status,
                        errorResponse("Bad Request".equals(generated) ? text[0] : generated, text[1]));
            }
        });
        // Statuses declared on the resource method: the same {"error"} body, the description as its example.
        responses.getAPIResponses().forEach((status, response) -> {
            boolean bodiless = response.getContent() == null || response.getContent().getMediaTypes().isEmpty();
            if (status.charAt(0) >= '4' && bodiless) {
                responses.addAPIResponse(status, errorResponse(response.getDescription(), response.getDescription()));
            }
        });
    }

    private static APIResponse errorResponse(String description, String example) {
        Content content = OASFactory.createContent().addMediaType("application/json", OASFactory.createMediaType()
                .schema(OASFactory.createSchema().ref(ERROR_SCHEMA))
                .example(Map.of("error", example)));
        return OASFactory.createAPIResponse().description(description).content(content);
    }
}
