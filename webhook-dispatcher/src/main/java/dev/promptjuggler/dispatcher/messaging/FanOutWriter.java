package dev.promptjuggler.dispatcher.messaging;

import dev.promptjuggler.dispatcher.config.DispatcherConfig;
import dev.promptjuggler.dispatcher.delivery.DeliveryWorker;
import dev.promptjuggler.dispatcher.delivery.FinishedEvent;
import dev.promptjuggler.dispatcher.persistence.FanOutStore;
import dev.promptjuggler.runtime.persistence.GroupCommit;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Writes the fan-out of polled Kafka batches, one write at a time: the batches that arrive while one is
 * being written are written together next, in one statement and one durable commit. Under a steady
 * trickle every batch is written at once; under load the commits grow instead of queueing behind each
 * other. A batch's offsets are acknowledged only after its write committed, and the first attempts the
 * write leased start then. A write that fails is retried until it succeeds: later batches wait rather
 * than skip an event.
 */
@ApplicationScoped
public class FanOutWriter {

    private static final Logger LOG = Logger.getLogger(FanOutWriter.class);

    /** Most events per write, so one statement and its arrays stay bounded. */
    static final int MAX_EVENTS_PER_WRITE = 1_000;

    /** Events waiting for a write at most; beyond it the consumers get no more batches until it drains. */
    static final int MAX_WAITING_EVENTS = 5_000;

    private final FanOutStore store;
    private final DeliveryWorker worker;
    private final DispatcherConfig config;

    private final GroupCommit<Batch, Void> writes;
    private final Deque<UniEmitter<? super Void>> heldBack = new ArrayDeque<>();
    private int waitingEvents;

    public FanOutWriter(FanOutStore store, DeliveryWorker worker, DispatcherConfig config) {
        this.store = store;
        this.worker = worker;
        this.config = config;
        this.writes = GroupCommit.weighed(MAX_EVENTS_PER_WRITE, batch -> batch.events().size(),
                group -> write(group.stream().flatMap(batch -> batch.events().stream()).toList()));
    }

    /**
     * Queues a batch's fan-out. The returned Uni completes once the consumer may hand over its next
     * batch, usually at once; the batch itself is acknowledged later, after its write commits.
     *
     * @param spans the events' fan-out spans, ended when the write committed
     */
    public Uni<Void> submit(List<FinishedEvent> events, KafkaRecordBatch<?, ?> records, List<Span> spans) {
        return Uni.createFrom().emitter(emitter -> {
            synchronized (this) {
                waitingEvents += events.size();
                if (waitingEvents > MAX_WAITING_EVENTS) {
                    heldBack.add(emitter);
                    emitter = null;
                }
            }
            // Queued before the consumer is let go, so the batches are written (and acknowledged) in poll order.
            writes.submit(new Batch(events, records)).subscribe().with(done -> {
                spans.forEach(Span::end);
                records.ack();
                written(events.size());
            }, failure -> {
                spans.forEach(span -> span.setStatus(StatusCode.ERROR, "abandoned").end());
                LOG.errorf("Fan-out of %d events abandoned: %s", events.size(), failure);
            });
            if (emitter != null) {
                emitter.complete(null);
            }
        });
    }

    private Uni<Void> write(List<FinishedEvent> events) {
        return Uni.createFrom().<Void>deferred(() -> {
            // Room for first attempts is reserved before the write decides which deliveries it leases.
            int reserved = worker.reserve(events.size());
            return store.fanOut(events, reserved, config.limits().maxInFlightPerEndpoint(), config.queue().lease())
                    .onItemOrFailure().invoke((fanOut, failure) -> worker.started(reserved,
                            failure == null ? fanOut.leased() : List.of(), failure == null && fanOut.queued() > 0))
                    .replaceWithVoid();
        })
                .onFailure().invoke(failure -> LOG.warnf("Fan-out of %d events failed: %s; retrying", events.size(), failure))
                // Later batches wait rather than skip an event.
                .onFailure().retry().withBackOff(Duration.ofMillis(200), Duration.ofSeconds(30)).indefinitely();
    }

    private void written(int count) {
        List<UniEmitter<? super Void>> release = new ArrayList<>();
        synchronized (this) {
            waitingEvents -= count;
            while (!heldBack.isEmpty() && waitingEvents <= MAX_WAITING_EVENTS) {
                release.add(heldBack.poll());
            }
        }
        release.forEach(emitter -> emitter.complete(null));
    }

    private record Batch(List<FinishedEvent> events, KafkaRecordBatch<?, ?> records) {
    }
}
