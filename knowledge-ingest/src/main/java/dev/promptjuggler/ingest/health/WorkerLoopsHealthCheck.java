package dev.promptjuggler.ingest.health;

import dev.promptjuggler.ingest.service.Sweeper;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * Liveness: DOWN when the sweeper, which takes up every document no event brings back, has not run for ten of its
 * periods (at least a minute; nothing to watch when sweeping is {@code off}). The processing of knowledge.uploaded is SmallRye's channel, whose own check (part of liveness) goes
 * DOWN when its consumer fails.
 */
@Liveness
@ApplicationScoped
public class WorkerLoopsHealthCheck implements HealthCheck {

    private final Sweeper sweeper;

    public WorkerLoopsHealthCheck(Sweeper sweeper) {
        this.sweeper = sweeper;
    }

    @Override
    public HealthCheckResponse call() {
        return sweeper.heartbeat()
                .map(loop -> HealthCheckResponse.named("worker-loops").status(loop.alive())
                        .withData(loop.name() + ".since-last-turn-ms", loop.sinceLast().toMillis()).build())
                .orElseGet(() -> HealthCheckResponse.named("worker-loops").up().withData("sweeper", "off").build());
    }
}
