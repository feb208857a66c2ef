package dev.promptjuggler.executor.messaging;

import dev.promptjuggler.contracts.RunRequested;
import dev.promptjuggler.executor.service.RunExecutionService;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.jboss.logging.Logger;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Takes requested runs from the three priority topics. The offset is committed once the run's outcome
 * is stored and announced, so a crash mid-run means redelivery, never loss.
 */
@ApplicationScoped
public class RunRequestConsumer {

    private static final Logger LOG = Logger.getLogger(RunRequestConsumer.class);
    private static final Duration RETRY_MIN = Duration.ofMillis(500);
    private static final Duration RETRY_MAX = Duration.ofSeconds(30);

    private final RunExecutionService executions;

    public RunRequestConsumer(RunExecutionService executions) {
        this.executions = executions;
    }

    @Incoming("run-requests")
    public Uni<Void> consume(RunRequested request) {
        // Provider failures end as failed runs inside execute(); what reaches here is infrastructure
        // (database, broker) being unavailable. Keep the record uncommitted and try again.
        return executions.execute(request)
                .onFailure().invoke(failure -> LOG.warnf("Run %s: %s; retrying", request.runId(), failure.getMessage()))
                .onFailure().retry().withBackOff(RETRY_MIN, RETRY_MAX).indefinitely();
    }
}
