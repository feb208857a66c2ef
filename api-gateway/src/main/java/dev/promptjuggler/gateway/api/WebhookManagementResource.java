package dev.promptjuggler.gateway.api;

import dev.promptjuggler.gateway.persistence.WebhookEndpointRepository.EndpointRow;
import dev.promptjuggler.gateway.service.WebhookEndpointService;
import dev.promptjuggler.gateway.service.WebhookEndpointService.CreatedEndpoint;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.ResponseStatus;

@Path("/manage/v1/webhooks")
@Tag(name = "Webhook endpoints (management)")
public class WebhookManagementResource {

    private static final String EVENT_NAMES =
            "promptrun\\.finished|workflowrun\\.finished|knowledgedocument\\.finished|knowledgebase\\.finished";

    private final WebhookEndpointService endpoints;
    private final Caller caller;

    public WebhookManagementResource(WebhookEndpointService endpoints, Caller caller) {
        this.endpoints = endpoints;
        this.caller = caller;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @ResponseStatus(201)
    @APIResponse(responseCode = "201", description = "The endpoint and its secret (shown once)", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = CreatedEndpoint.class)))
    @Operation(summary = "Register a webhook endpoint; the signing secret is returned only in this response")
    public Uni<CreatedEndpoint> create(@Valid @NotNull CreateEndpoint body) {
        List<String> events = body.events() == null ? List.of() : body.events();
        return endpoints.create(caller.tenantId(), body.url(), events, body.environment());
    }

    @GET
    @Operation(summary = "List webhook endpoints (never their secrets)")
    public Uni<List<EndpointRow>> list() {
        return endpoints.list(caller.tenantId());
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @Path("/{id}")
    @Operation(summary = "Replace an endpoint's URL, events filter, environment glob and enabled switch;"
            + " the secret stays (rotate it with rotate-secret)")
    public Uni<EndpointRow> update(@PathParam("id") String id, @Valid @NotNull UpdateEndpoint body) {
        return endpoints.update(caller.tenantId(), PathParams.uuid(id, "id", "webhook endpoint"), body.url(),
                body.events() == null ? List.of() : body.events(), body.environment(),
                body.enabled() == null || body.enabled());
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Delete an endpoint; its queued deliveries are dropped")
    public Uni<Void> delete(@PathParam("id") String id) {
        return endpoints.delete(caller.tenantId(), PathParams.uuid(id, "id", "webhook endpoint"));
    }

    /** @param enabled absent = true */
    public record UpdateEndpoint(
            @NotNull @Size(max = 2000) @Pattern(regexp = "https?://\\S+", message = "must be an http(s) URL") String url,
            List<@Pattern(regexp = EVENT_NAMES, message = "must be a known event name") String> events,
            @Size(max = 200) String environment,
            Boolean enabled) {
    }

    /**
     * @param events      event names to deliver; empty or absent = every event
     * @param environment glob over the run's environment ({@code prod*}); absent = every environment
     */
    public record CreateEndpoint(
            @NotNull @Size(max = 2000) @Pattern(regexp = "https?://\\S+", message = "must be an http(s) URL") String url,
            List<@Pattern(regexp = EVENT_NAMES, message = "must be a known event name") String> events,
            @Size(max = 200) String environment) {
    }
}
