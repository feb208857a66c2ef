package dev.promptjuggler.gateway.api;

import dev.promptjuggler.gateway.service.WebhookDeliveryService;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The deliveries of one event (its id is the {@code PromptJuggler-Event-Id} receivers saw), across endpoints. */
@Path("/manage/v1/webhook-events")
@Tag(name = "Webhook deliveries (management)")
public class WebhookEventResource {

    private final WebhookDeliveryService deliveries;
    private final Caller caller;

    public WebhookEventResource(WebhookDeliveryService deliveries, Caller caller) {
        this.deliveries = deliveries;
        this.caller = caller;
    }

    @GET
    @Path("/{eventId}/deliveries")
    @Operation(summary = "Every delivery of one event, with its attempts")
    @APIResponse(responseCode = "200", description = "The event's deliveries",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "DeliveryPage")))
    public Uni<Response> deliveries(@PathParam("eventId") String eventId) {
        return WebhookDeliveryResource.relay(deliveries.eventDeliveries(caller.tenantId(),
                PathParams.uuid(eventId, "eventId", "webhook event")));
    }
}
