package dev.promptjuggler.gateway.service;

import dev.promptjuggler.contracts.RunCancelRequested;
import dev.promptjuggler.gateway.api.ApiException;
import dev.promptjuggler.gateway.messaging.RunCancelPublisher;
import dev.promptjuggler.gateway.persistence.RunCancellationRepository;
import dev.promptjuggler.gateway.persistence.RunCancellationRepository.CancelledRun;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Cancelling a run: the request is stored, then announced to the executors. The stored request is what counts: a
 * run claimed after it is ended without executing, and a run in flight is stopped by the executor holding it when the
 * announcement arrives, or at its next lease heartbeat should the announcement be lost. The run then ends
 * {@code failed} with the error {@code cancelled}, its notice and webhook sent as for any failed run.
 */
@ApplicationScoped
public class RunCancellationService {

    private static final Logger LOG = Logger.getLogger(RunCancellationService.class);

    private final RunCancellationRepository cancellations;
    private final RunCancelPublisher publisher;

    public RunCancellationService(RunCancellationRepository cancellations, RunCancelPublisher publisher) {
        this.cancellations = cancellations;
        this.publisher = publisher;
    }

    /**
     * @return the run, still pending, with when its stop was requested
     * @throws ApiException 404 for no such run of the tenant, 409 for a run that has ended
     */
    public Uni<CancelledRun> cancel(UUID tenantId, UUID runId) {
        return cancellations.request(tenantId, runId).chain(found -> {
            CancelledRun run = found.orElseThrow(() -> ApiException.notFound("run not found"));
            if (run.requestedAt() == null) {
                throw new ApiException(409, "run " + runId + " has already ended (" + run.status() + "): only a pending"
                        + " run can be cancelled");
            }
            return publisher.publish(new RunCancelRequested(run.id(), tenantId, run.requestedAt().toInstant()))
                    .onFailure().recoverWithItem(failure -> {
                        LOG.warnf("run %s: announcing its cancel failed (%s); the executor holding it stops it at its"
                                + " next lease heartbeat", runId, failure.toString());
                        return null;
                    })
                    .replaceWith(run);
        });
    }
}
