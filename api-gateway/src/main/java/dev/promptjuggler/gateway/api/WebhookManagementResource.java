package dev.promptjuggler.gateway.api;

import dev.promptjuggler.gateway.service.WebhookEndpointService;
import dev.promptjuggler.gateway.service.WebhookEndpointService.CreatedEndpoint;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.ResponseStatus;

@Path("/manage/v1/webhooks")
@Tag(name = "Webhook endpoints (management)")
public class WebhookManagementResource {

    private final WebhookEndpointService endpoints;
    private final Caller caller;

    public WebhookManagementResource(WebhookEndpointService endpoints, Caller caller) {
        this.endpoints = endpoints;
        this.caller = caller;
    }

    @POST
    @ResponseStatus(201)
    @Operation(summary = "Register a webhook endpoint; the signing secret is returned only in this response")
    public Uni<CreatedEndpoint> create(@Valid @NotNull CreateEndpoint body) {
        List<String> events = body.events() == null ? List.of() : body.events();
        return endpoints.create(caller.tenantId(), body.url(), events, body.environment());
    }

    /**
     * @param events      event names to deliver; empty or absent = every event
     * @param environment glob over the run's environment ({@code prod*}); absent = every environment
     */
    public record CreateEndpoint(
            @NotNull @Size(max = 2000) @Pattern(regexp = "https?://\\S+", message = "must be an http(s) URL") String url,
            List<@Pattern(regexp = "promptrun\\.finished|workflowrun\\.finished|knowledgedocument\\.finished|knowledgebase\\.finished",
                    message = "must be a known event name") String> events,
            @Size(max = 200) String environment) {
    }
}
