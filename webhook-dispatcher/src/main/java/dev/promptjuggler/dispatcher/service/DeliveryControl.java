package dev.promptjuggler.dispatcher.service;

import dev.promptjuggler.dispatcher.delivery.DeliveryWorker;
import dev.promptjuggler.dispatcher.persistence.DeliveryLogStore;
import dev.promptjuggler.dispatcher.persistence.DeliveryLogStore.Delivery;
import dev.promptjuggler.dispatcher.persistence.DeliveryLogStore.Health;
import dev.promptjuggler.dispatcher.persistence.DeliveryLogStore.Reenabled;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** What an endpoint's owner can see and do about its deliveries; every call is scoped to a tenant. */
@ApplicationScoped
public class DeliveryControl {

    /** The type of the test event; its body is {@code {"event":"ping","id":<event id>,"endpointId":…}}. */
    public static final String PING = "ping";

    private final DeliveryLogStore log;
    private final DeliveryWorker worker;

    public DeliveryControl(DeliveryLogStore log, DeliveryWorker worker) {
        this.log = log;
        this.worker = worker;
    }

    public Uni<List<Delivery>> deliveries(UUID tenantId, UUID endpointId, String status, OffsetDateTime before, int limit) {
        return existing(tenantId, endpointId).chain(() -> log.forEndpoint(tenantId, endpointId, status, before, limit));
    }

    public Uni<List<Delivery>> eventDeliveries(UUID tenantId, UUID eventId) {
        return log.forEvent(tenantId, eventId);
    }

    public Uni<Delivery> replay(UUID tenantId, UUID endpointId, UUID deliveryId) {
        return log.replay(tenantId, endpointId, deliveryId)
                .chain(replayed -> log.one(tenantId, endpointId, deliveryId).map(found -> {
                    Delivery delivery = found.orElseThrow(() -> new ControlException(404, "no such delivery"));
                    if (!replayed) {
                        throw new ControlException(409, "the delivery is being attempted right now; replay it afterwards");
                    }
                    worker.kick();
                    return delivery;
                }));
    }

    public Uni<Integer> replayFailed(UUID tenantId, UUID endpointId, OffsetDateTime from, OffsetDateTime to) {
        if (!from.isBefore(to)) {
            throw new ControlException(422, "from must be before to");
        }
        return existing(tenantId, endpointId)
                .chain(() -> log.replayFailed(tenantId, endpointId, from, to))
                .invoke(worker::kick);
    }

    /** @return the new delivery's id, with the test event's id */
    public Uni<Ping> ping(UUID tenantId, UUID endpointId) {
        UUID eventId = UUID.randomUUID();
        String body = new JsonObject().put("event", PING).put("id", eventId.toString())
                .put("endpointId", endpointId.toString()).encode();
        return existing(tenantId, endpointId)
                .chain(() -> log.ping(tenantId, endpointId, eventId, PING, body))
                .invoke(worker::kick)
                .map(deliveryId -> new Ping(eventId, deliveryId));
    }

    public Uni<Health> health(UUID tenantId, UUID endpointId) {
        return existing(tenantId, endpointId).chain(() -> log.health(tenantId, endpointId));
    }

    public Uni<Reenabled> reenable(UUID tenantId, UUID endpointId, boolean redeliverMissed) {
        return existing(tenantId, endpointId)
                .chain(() -> log.reenable(tenantId, endpointId, redeliverMissed))
                .invoke(worker::kick);
    }

    private Uni<Void> existing(UUID tenantId, UUID endpointId) {
        return log.endpointExists(tenantId, endpointId).invoke(exists -> {
            if (!exists) {
                throw new ControlException(404, "no such webhook endpoint");
            }
        }).replaceWithVoid();
    }

    public record Ping(UUID eventId, UUID deliveryId) {
    }

    /** A refusal the caller sees as {@code {"error": message}} with this status. */
    public static class ControlException extends RuntimeException {

        private final int status;

        public ControlException(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }
}
