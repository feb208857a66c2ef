package dev.promptjuggler.dispatcher.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.promptjuggler.contracts.RunFinished;
import dev.promptjuggler.dispatcher.delivery.RunFinishedWebhook;
import dev.promptjuggler.dispatcher.delivery.WebhookSender;
import dev.promptjuggler.dispatcher.persistence.DeliveryStore;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.ce.IncomingCloudEventMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Fans each finished run out to the tenant's matching endpoints. The offset is acknowledged only after
 * the event and its deliveries are committed; the HTTP attempts happen after that, outside the consumer.
 */
@ApplicationScoped
public class RunFinishedConsumer {

    private static final Logger LOG = Logger.getLogger(RunFinishedConsumer.class);

    private final DeliveryStore deliveries;
    private final WebhookSender sender;
    private final ObjectMapper json;

    public RunFinishedConsumer(DeliveryStore deliveries, WebhookSender sender, ObjectMapper json) {
        this.deliveries = deliveries;
        this.sender = sender;
        this.json = json;
    }

    @Incoming("runs-finished")
    public Uni<Void> consume(Message<RunFinished> message) {
        RunFinished event = message.getPayload();
        UUID eventId = message.getMetadata(IncomingCloudEventMetadata.class)
                .map(cloudEvent -> UUID.fromString(cloudEvent.getId()))
                .orElseGet(event::eventId);
        return deliveries.fanOut(eventId, event.tenantId(), event.type(), event.environment(), body(event))
                .onFailure().invoke(failure -> LOG.warnf("Fan-out of %s failed: %s; retrying", eventId, failure))
                .onFailure().retry().withBackOff(Duration.ofMillis(500), Duration.ofSeconds(30)).indefinitely()
                .call(created -> Uni.createFrom().completionStage(message.ack()))
                .invoke(this::attemptNow)
                .replaceWithVoid();
    }

    private void attemptNow(List<UUID> created) {
        Multi.createFrom().iterable(created)
                .onItem().transformToUniAndMerge(sender::attempt)
                .subscribe().with(done -> { }, failure -> LOG.warn("Delivery attempt could not be recorded", failure));
    }

    private String body(RunFinished event) {
        try {
            return json.writeValueAsString(RunFinishedWebhook.of(event));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
