package dev.promptjuggler.gateway.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.media.Content;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.parameters.Parameter;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;

/**
 * The error responses of every operation, added to the generated OpenAPI document (mp.openapi.filter). The
 * filters and mappers that produce them (ApiKeyFilter, RateLimitFilter, JsonBodySizeFilter, ErrorMappers)
 * apply to all operations alike, so each operation is referred here to the shared responses of
 * META-INF/openapi.yaml that apply to it — by its path, parameters and body — rather than annotated one by one.
 * Statuses only some operations have (409, and the 503 of a service behind the gateway) are declared on their
 * resource methods; they get the same {@code {"error"}} schema here, with the declared description as the
 * example message. The bootstrap operation
 * authenticates with the operator's token instead of an API key, the Promptly API's with {@code Token <API key>}.
 */
public class OpenApiContract implements OASFilter {

    private static final String ERROR_SCHEMA = "#/components/schemas/ErrorResponse";

    /** Run reads: the SDK's models have no field for the revision a run ran, so it travels in headers. */
    private static final List<String> RUN_READS = List.of("/api/v1/promptruns/{id}", "/api/v1/workflowruns/{id}");

    /** Reads of one run: a run whose thread was erased answers them 410 (its id stays known, its data is gone). */
    private static final List<String> ERASABLE_RUN_READS = List.of("/api/v1/promptruns/{id}", "/api/v1/workflowruns/{id}",
            "/manage/v1/workflow-runs/{id}/trace");

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        ERASABLE_RUN_READS.forEach(path -> openAPI.getPaths().getPathItem(path).getGET().getResponses()
                .addAPIResponse("410", errorResponse("The run was erased with its thread (DELETE /manage/v1/threads/{id})",
                        "prompt run 0b6f5f3e-7a0e-4d61-9a3b-2f1d6c1e4a11 was erased with its thread"
                                + " 6f1c2a8e-41a4-4b7e-9a55-3f0c1d2e8b90")));
        openAPI.getPaths().getPathItems().entrySet().stream()
                // The stream is no resource: META-INF/openapi.yaml describes it, its own errors included.
                .filter(path -> !path.getKey().equals(ThreadStreamRoute.DOCUMENTED_PATH))
                .forEach(path -> path.getValue().getOperations().values()
                        .forEach(op -> describeErrors(path.getKey(), op)));
        RUN_READS.forEach(path -> describeRevisionHeaders(openAPI.getPaths().getPathItem(path).getGET()));
    }

    private static void describeRevisionHeaders(Operation read) {
        APIResponse ok = read.getResponses().getAPIResponse("200");
        ok.addHeader(SdkShapes.REVISION_ID, OASFactory.createHeader()
                .description("The published revision the run ran (its id)")
                .schema(OASFactory.createSchema().addType(Schema.SchemaType.STRING).format("uuid")));
        ok.addHeader(SdkShapes.REVISION_VERSION, OASFactory.createHeader()
                .description("The published revision the run ran (its version number)")
                .schema(OASFactory.createSchema().addType(Schema.SchemaType.INTEGER)));
    }

    private void describeErrors(String path, Operation operation) {
        APIResponses responses = operation.getResponses();
        Map<String, APIResponse> errors = new LinkedHashMap<>();
        if (path.equals(BootstrapResource.PATH)) {
            operation.setSecurity(List.of(OASFactory.createSecurityRequirement().addScheme("BootstrapToken")));
            errors.put("401",
                    errorResponse("Missing or wrong X-Bootstrap-Token", "missing or wrong X-Bootstrap-Token"));
            errors.put("403", errorResponse("Bootstrap is disabled (no gateway.bootstrap-token set)",
                    "bootstrap is disabled: set gateway.bootstrap-token"));
        } else {
            if (ApiKeyFilter.isPromptlyPath(path)) {
                operation.setSecurity(List.of(OASFactory.createSecurityRequirement().addScheme("PromptlyToken")));
            }
            errors.put("401", shared("Unauthorized"));
            if (path.startsWith("/manage/")) {
                errors.put("403", shared("Forbidden"));
            }
            errors.put("429", shared("TooManyRequests"));
        }
        List<Parameter> parameters = operation.getParameters() == null ? List.of() : operation.getParameters();
        boolean inPath = parameters.stream().anyMatch(p -> p.getIn() == Parameter.In.PATH);
        boolean queried = parameters.stream().anyMatch(p -> p.getIn() == Parameter.In.QUERY);
        boolean body = operation.getRequestBody() != null;
        if (body || inPath || queried) {
            errors.put("400", shared("BadRequest"));
        }
        if (inPath) {
            errors.put("404", shared("NotFound"));
        }
        errors.put("406", shared("NotAcceptable"));
        if (body) {
            errors.put("413", shared("PayloadTooLarge"));
            errors.put("415", shared("UnsupportedMediaType"));
        }
        if (body || queried) {
            errors.put("422", shared("UnprocessableContent"));
        }
        errors.put("500", shared("InternalError"));
        errors.put("503", shared("ServiceUnavailable"));

        // SmallRye adds a bare 400 to operations with a validated body; the shared one replaces it.
        errors.forEach((status, response) -> {
            if (responses.getAPIResponse(status) == null || !hasContent(responses.getAPIResponse(status))) {
                responses.addAPIResponse(status, response);
            }
        });
        responses.getAPIResponses().forEach((status, response) -> {
            if (status.charAt(0) >= '4' && response.getRef() == null && !hasContent(response)) {
                responses.addAPIResponse(status, errorResponse(response.getDescription(), response.getDescription()));
            }
        });
        responses.setAPIResponses(new TreeMap<>(responses.getAPIResponses()));
    }

    private static boolean hasContent(APIResponse response) {
        return response.getContent() != null && !response.getContent().getMediaTypes().isEmpty();
    }

    private static APIResponse shared(String name) {
        return OASFactory.createAPIResponse().ref(name);
    }

    private static APIResponse errorResponse(String description, String example) {
        Content content = OASFactory.createContent().addMediaType("application/json", OASFactory.createMediaType()
                .schema(OASFactory.createSchema().ref(ERROR_SCHEMA))
                .example(Map.of("error", example)));
        return OASFactory.createAPIResponse().description(description).content(content);
    }
}
