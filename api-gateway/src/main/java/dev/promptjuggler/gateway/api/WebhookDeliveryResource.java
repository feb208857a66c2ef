package dev.promptjuggler.gateway.api;

import dev.promptjuggler.gateway.client.DispatcherClient.Answer;
import dev.promptjuggler.gateway.service.WebhookDeliveryService;
import dev.promptjuggler.gateway.service.WebhookDeliveryService.RotatedSecret;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * An endpoint's deliveries: the log, replays, a test event, health and re-enabling after the dispatcher
 * disabled it, and secret rotation. The log is webhook-dispatcher's; these calls are forwarded to it
 * under the caller's tenant, so another tenant's endpoint is simply not found.
 */
@Path("/manage/v1/webhooks")
@Tag(name = "Webhook deliveries (management)")
public class WebhookDeliveryResource {

    private final WebhookDeliveryService deliveries;
    private final Caller caller;

    public WebhookDeliveryResource(WebhookDeliveryService deliveries, Caller caller) {
        this.deliveries = deliveries;
        this.caller = caller;
    }

    @GET
    @Path("/{id}/deliveries")
    @Operation(summary = "The endpoint's delivery log, newest first: each delivery with every attempt (number, time,"
            + " status code, latency, error class, first bytes of the response)")
    public Uni<Response> deliveries(@PathParam("id") UUID id,
            @Parameter(description = "pending, sending, delivered, failed or missed") @QueryParam("status") String status,
            @Parameter(description = "ISO-8601 time: only deliveries created before it (paging)") @QueryParam("before") String before,
            @Parameter(description = "1 to 500, default 50") @QueryParam("limit") Integer limit) {
        return relay(deliveries.deliveries(caller.tenantId(), id, status, before, limit));
    }

    @POST
    @Path("/{id}/deliveries/{deliveryId}/replay")
    @Operation(summary = "Send one delivery again, with a fresh retry schedule and the same event id (202)")
    public Uni<Response> replay(@PathParam("id") UUID id, @PathParam("deliveryId") UUID deliveryId) {
        return relay(deliveries.replay(caller.tenantId(), id, deliveryId));
    }

    @POST
    @Path("/{id}/replay")
    @Operation(summary = "Send again every failed or missed delivery created in a time range:"
            + " {\"from\": <ISO-8601>, \"to\": <ISO-8601>} (202 {replayed})")
    public Uni<Response> replayFailed(@PathParam("id") UUID id, String body) {
        return relay(deliveries.replayFailed(caller.tenantId(), id, body));
    }

    @POST
    @Path("/{id}/ping")
    @Operation(summary = "Send a signed test event ({\"event\":\"ping\",…}) to this endpoint now (202 {eventId, deliveryId})")
    public Uni<Response> ping(@PathParam("id") UUID id) {
        return relay(deliveries.ping(caller.tenantId(), id));
    }

    @GET
    @Path("/{id}/health")
    @Operation(summary = "Delivery health: healthy, paused (Retry-After), circuit_open (deliveries parked while"
            + " probing), disabled (410 or sustained failure) or switched_off; with failure and backlog counts")
    public Uni<Response> health(@PathParam("id") UUID id) {
        return relay(deliveries.health(caller.tenantId(), id));
    }

    @POST
    @Path("/{id}/enable")
    @Operation(summary = "Lift the dispatcher's disabling of the endpoint; answers how many deliveries it missed."
            + " Body {\"redeliverMissed\": true} sends them again too")
    public Uni<Response> enable(@PathParam("id") UUID id, String body) {
        return relay(deliveries.reenable(caller.tenantId(), id, body));
    }

    @POST
    @Path("/{id}/rotate-secret")
    @Operation(summary = "Replace the signing secret; the new one is returned only in this response, the old one"
            + " keeps signing beside it (a second v1) until previousSecretExpiresAt")
    public Uni<RotatedSecret> rotateSecret(@PathParam("id") UUID id) {
        return deliveries.rotate(caller.tenantId(), id);
    }

    static Uni<Response> relay(Uni<Answer> answer) {
        return answer.map(relayed -> Response.status(relayed.status()).type(MediaType.APPLICATION_JSON)
                .entity(relayed.body()).build());
    }
}
