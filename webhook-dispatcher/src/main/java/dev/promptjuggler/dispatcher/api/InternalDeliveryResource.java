package dev.promptjuggler.dispatcher.api;

import dev.promptjuggler.dispatcher.persistence.DeliveryLogStore.Delivery;
import dev.promptjuggler.dispatcher.persistence.DeliveryLogStore.Health;
import dev.promptjuggler.dispatcher.persistence.DeliveryLogStore.Reenabled;
import dev.promptjuggler.dispatcher.service.DeliveryControl;
import dev.promptjuggler.dispatcher.service.DeliveryControl.ControlException;
import dev.promptjuggler.dispatcher.service.DeliveryControl.Ping;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.jboss.resteasy.reactive.ResponseStatus;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * The delivery log and its controls, for api-gateway only: the gateway authenticates the caller and
 * passes the tenant in the path. Not part of the public surface; deployments keep this port internal.
 */
@Path("/internal/tenants/{tenantId}")
public class InternalDeliveryResource {

    private static final Set<String> STATUSES = Set.of("pending", "sending", "delivered", "failed", "missed");

    private final DeliveryControl control;

    public InternalDeliveryResource(DeliveryControl control) {
        this.control = control;
    }

    @GET
    @Path("/webhooks/{endpointId}/deliveries")
    public Uni<DeliveryPage> deliveries(@PathParam("tenantId") UUID tenantId, @PathParam("endpointId") UUID endpointId,
            @QueryParam("status") String status, @QueryParam("before") String before,
            @QueryParam("limit") @DefaultValue("50") int limit) {
        if (status != null && !STATUSES.contains(status)) {
            throw new ControlException(422, "status must be one of " + String.join(", ", STATUSES.stream().sorted().toList()));
        }
        if (limit < 1 || limit > 500) {
            throw new ControlException(422, "limit must be between 1 and 500");
        }
        return control.deliveries(tenantId, endpointId, status, time("before", before, false), limit)
                .map(DeliveryPage::new);
    }

    @GET
    @Path("/events/{eventId}/deliveries")
    public Uni<DeliveryPage> eventDeliveries(@PathParam("tenantId") UUID tenantId, @PathParam("eventId") UUID eventId) {
        return control.eventDeliveries(tenantId, eventId).map(deliveries -> {
            if (deliveries.isEmpty()) {
                throw new ControlException(404, "no deliveries of such an event");
            }
            return new DeliveryPage(deliveries);
        });
    }

    @POST
    @Path("/webhooks/{endpointId}/deliveries/{deliveryId}/replay")
    @ResponseStatus(202)
    public Uni<Delivery> replay(@PathParam("tenantId") UUID tenantId, @PathParam("endpointId") UUID endpointId,
            @PathParam("deliveryId") UUID deliveryId) {
        return control.replay(tenantId, endpointId, deliveryId);
    }

    @POST
    @Path("/webhooks/{endpointId}/replay")
    @ResponseStatus(202)
    public Uni<Replayed> replayFailed(@PathParam("tenantId") UUID tenantId, @PathParam("endpointId") UUID endpointId,
            ReplayRange range) {
        if (range == null) {
            throw new ControlException(422, "body must be {\"from\": <time>, \"to\": <time>}");
        }
        return control.replayFailed(tenantId, endpointId, time("from", range.from(), true), time("to", range.to(), true))
                .map(Replayed::new);
    }

    @POST
    @Path("/webhooks/{endpointId}/ping")
    @ResponseStatus(202)
    public Uni<Ping> ping(@PathParam("tenantId") UUID tenantId, @PathParam("endpointId") UUID endpointId) {
        return control.ping(tenantId, endpointId);
    }

    @GET
    @Path("/webhooks/{endpointId}/health")
    public Uni<Health> health(@PathParam("tenantId") UUID tenantId, @PathParam("endpointId") UUID endpointId) {
        return control.health(tenantId, endpointId);
    }

    @POST
    @Path("/webhooks/{endpointId}/enable")
    public Uni<Reenabled> enable(@PathParam("tenantId") UUID tenantId, @PathParam("endpointId") UUID endpointId,
            EnableRequest request) {
        return control.reenable(tenantId, endpointId, request != null && Boolean.TRUE.equals(request.redeliverMissed()));
    }

    private static OffsetDateTime time(String field, String value, boolean required) {
        if (value == null) {
            if (required) {
                throw new ControlException(422, field + " is required (an ISO-8601 time with offset)");
            }
            return null;
        }
        try {
            return OffsetDateTime.parse(value);
        } catch (DateTimeParseException e) {
            throw new ControlException(422, field + " must be an ISO-8601 time with offset, like 2026-11-22T18:00:00Z");
        }
    }

    @ServerExceptionMapper
    public Response refused(ControlException e) {
        return Response.status(e.status()).type(MediaType.APPLICATION_JSON).entity(new ErrorBody(e.getMessage())).build();
    }

    public record DeliveryPage(List<Delivery> deliveries) {
    }

    public record ReplayRange(String from, String to) {
    }

    public record Replayed(int replayed) {
    }

    public record EnableRequest(Boolean redeliverMissed) {
    }

    public record ErrorBody(String error) {
    }
}
