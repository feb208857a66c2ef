package dev.promptjuggler.gateway.api;

import dev.promptjuggler.gateway.client.DispatcherClient.Answer;
import dev.promptjuggler.gateway.service.WebhookDeliveryService;
import dev.promptjuggler.gateway.service.WebhookDeliveryService.RotatedSecret;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * An endpoint's deliveries: the log, replays, a test event, health and re-enabling after the dispatcher
 * disabled it, and secret rotation. The log is webhook-dispatcher's; these calls are forwarded to it
 * under the caller's tenant, so another tenant's endpoint is simply not found. Bodies are read and typed
 * here, and forwarded as the gateway writes them.
 */
@Path("/manage/v1/webhooks")
@Tag(name = "Webhook deliveries (management)")
public class WebhookDeliveryResource {

    private static final String ENDPOINT = "webhook endpoint";
    private static final Set<String> LOG_PARAMETERS = Set.of("status", "before", "limit");
    private static final List<String> STATUSES = List.of("pending", "sending", "delivered", "failed", "missed");

    private final WebhookDeliveryService deliveries;
    private final Caller caller;

    public WebhookDeliveryResource(WebhookDeliveryService deliveries, Caller caller) {
        this.deliveries = deliveries;
        this.caller = caller;
    }

    /** The query parameters are declared for the OpenAPI document; they are read through {@link QueryParameters}. */
    @GET
    @Path("/{id}/deliveries")
    @Operation(summary = "The endpoint's delivery log, newest first: each delivery with every attempt (number, time,"
            + " status code, latency, error class, first bytes of the response)")
    @APIResponse(responseCode = "200", description = "The deliveries, newest first",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "DeliveryPage")))
    public Uni<Response> deliveries(@PathParam("id") String id, @Context UriInfo uri,
            @Parameter(description = "pending, sending, delivered, failed or missed") @QueryParam("status") String status,
            @Parameter(description = "ISO-8601 time: only deliveries created before it (paging)") @QueryParam("before") String before,
            @Parameter(description = "1 to 500, default 50") @QueryParam("limit") String limit) {
        QueryParameters query = new QueryParameters(uri.getQueryParameters(), LOG_PARAMETERS, name -> false);
        return relay(deliveries.deliveries(caller.tenantId(), PathParams.uuid(id, "id", ENDPOINT),
                query.oneOf("status", STATUSES), query.time("before"), query.integer("limit", 1, 500, 50)));
    }

    @POST
    @Path("/{id}/deliveries/{deliveryId}/replay")
    @Operation(summary = "Send one delivery again, with a fresh retry schedule and the same event id (202)")
    @APIResponse(responseCode = "202", description = "The delivery, queued again",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "Delivery")))
    public Uni<Response> replay(@PathParam("id") String id, @PathParam("deliveryId") String deliveryId) {
        return relay(deliveries.replay(caller.tenantId(), PathParams.uuid(id, "id", ENDPOINT),
                PathParams.uuid(deliveryId, "deliveryId", "delivery")));
    }

    @POST
    @Path("/{id}/replay")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Send again every failed or missed delivery created in a time range:"
            + " {\"from\": <ISO-8601>, \"to\": <ISO-8601>} (202 {replayed})")
    @APIResponse(responseCode = "202", description = "How many deliveries were queued again",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "Replayed")))
    public Uni<Response> replayFailed(@PathParam("id") String id, @NotNull ReplayRange body) {
        return relay(deliveries.replayFailed(caller.tenantId(), PathParams.uuid(id, "id", ENDPOINT), body.from(),
                body.to()));
    }

    @POST
    @Path("/{id}/ping")
    @Operation(summary = "Send a signed test event ({\"event\":\"ping\",…}) to this endpoint now (202 {eventId, deliveryId})")
    @APIResponse(responseCode = "202", description = "The test event and its delivery",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "Ping")))
    public Uni<Response> ping(@PathParam("id") String id) {
        return relay(deliveries.ping(caller.tenantId(), PathParams.uuid(id, "id", ENDPOINT)));
    }

    @GET
    @Path("/{id}/health")
    @Operation(summary = "Delivery health: healthy, paused (Retry-After), circuit_open (deliveries parked while"
            + " probing), disabled (410 or sustained failure) or switched_off; with failure and backlog counts")
    @APIResponse(responseCode = "200", description = "The endpoint's delivery health",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "DeliveryHealth")))
    public Uni<Response> health(@PathParam("id") String id) {
        return relay(deliveries.health(caller.tenantId(), PathParams.uuid(id, "id", ENDPOINT)));
    }

    @POST
    @Path("/{id}/enable")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Lift the dispatcher's disabling of the endpoint; answers how many deliveries it missed."
            + " Body (optional) {\"redeliverMissed\": true} sends them again too")
    @APIResponse(responseCode = "200", description = "How many deliveries it missed and how many are sent again",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "Reenabled")))
    public Uni<Response> enable(@PathParam("id") String id, EnableRequest body) {
        return relay(deliveries.reenable(caller.tenantId(), PathParams.uuid(id, "id", ENDPOINT),
                body != null && Boolean.TRUE.equals(body.redeliverMissed())));
    }

    @POST
    @Path("/{id}/rotate-secret")
    @Operation(summary = "Replace the signing secret; the new one is returned only in this response, the old one"
            + " keeps signing beside it (a second v1) until previousSecretExpiresAt")
    public Uni<RotatedSecret> rotateSecret(@PathParam("id") String id) {
        return deliveries.rotate(caller.tenantId(), PathParams.uuid(id, "id", ENDPOINT));
    }

    /** @param from ISO-8601 time with offset; @param to likewise, exclusive */
    public record ReplayRange(String from, String to) {
    }

    /** @param redeliverMissed absent = false */
    public record EnableRequest(Boolean redeliverMissed) {
    }

    /**
     * The dispatcher's answer as it is, but a refusal always in the error shape: an answer without
     * {@code {"error"}} (none is expected) still names its status.
     */
    static Uni<Response> relay(Uni<Answer> answer) {
        return answer.map(relayed -> {
            if (relayed.status() >= 400 && !carriesError(relayed.body())) {
                return ErrorMappers.error(relayed.status(),
                        "webhook-dispatcher refused the request (HTTP " + relayed.status() + ")");
            }
            return Response.status(relayed.status()).type(MediaType.APPLICATION_JSON).entity(relayed.body()).build();
        });
    }

    private static boolean carriesError(String body) {
        try {
            return body != null && new JsonObject(body).getValue("error") instanceof String;
        } catch (DecodeException | ClassCastException e) {
            return false;
        }
    }
}
