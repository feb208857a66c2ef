package dev.promptjuggler.dispatcher.health;

import dev.promptjuggler.dispatcher.delivery.DeliveryWorker;
import dev.promptjuggler.runtime.health.Heartbeat;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;

/**
 * Liveness: DOWN when the retry poll or the lease sweeper has not turned for ten of its periods (a cancelled
 * timer, an event loop blocked by other work): retries and leased deliveries of a crashed replica would wait for
 * ever while the process looks healthy. Fan-out (SmallRye's channel) has its own check in liveness.
 */
@Liveness
@ApplicationScoped
public class WorkerLoopsHealthCheck implements HealthCheck {

    private final DeliveryWorker worker;

    public WorkerLoopsHealthCheck(DeliveryWorker worker) {
        this.worker = worker;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("worker-loops").up();
        for (Heartbeat loop : worker.loops()) {
            response.withData(loop.name() + ".since-last-turn-ms", loop.sinceLast().toMillis());
            if (!loop.alive()) {
                response.down();
            }
        }
        return response.build();
    }
}
