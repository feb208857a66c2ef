package dev.promptjuggler.executor.health;

import dev.promptjuggler.executor.scheduling.RunTopicsConsumer;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * Liveness: DOWN when the run topics' consumer thread, which feeds the scheduler every run it starts, has ended
 * or stopped turning. The process would otherwise look healthy while it starts nothing, and only a restart brings
 * the thread back. (The sweeper runs on Quarkus' scheduler, and the finished notices on SmallRye's channels,
 * whose own checks are part of liveness.)
 */
@Liveness
@ApplicationScoped
public class WorkerLoopsHealthCheck implements HealthCheck {

    private final RunTopicsConsumer consumer;

    public WorkerLoopsHealthCheck(RunTopicsConsumer consumer) {
        this.consumer = consumer;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("worker-loops")
                .status(consumer.polling())
                .withData("run-consumer.since-last-poll-ms", consumer.sinceLastPoll().toMillis())
                .build();
    }
}
