package dev.promptjuggler.gateway.api;

import dev.promptjuggler.gateway.persistence.RunCancellationRepository.CancelledRun;
import dev.promptjuggler.gateway.service.RunCancellationService;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MediaType;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.ResponseStatus;

/** Stopping a run, prompt or workflow. */
@Path("/manage/v1/runs")
@Tag(name = "Runs (management)")
public class RunCancelResource {

    private final RunCancellationService cancellations;
    private final Caller caller;

    public RunCancelResource(RunCancellationService cancellations, Caller caller) {
        this.cancellations = cancellations;
        this.caller = caller;
    }

    @POST
    @Path("/{id}/cancel")
    @ResponseStatus(202)
    @APIResponse(responseCode = "202", description = "Accepted: the run is stopped (a pending one never starts) and ends"
            + " failed with the error cancelled; its webhook follows", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = CancelResponse.class)))
    @APIResponse(responseCode = "409", description = "run 0f9c2a4e-5b1d-4c3e-9a7f-2d8e6b1c4a90 has already ended"
            + " (completed): only a pending run can be cancelled")
    @Operation(summary = "Cancel a pending or running run: it stops within seconds (its provider request aborted) and"
            + " ends failed with the error \"cancelled\"")
    public Uni<CancelResponse> cancel(@PathParam("id") String id) {
        return cancellations.cancel(caller.tenantId(), PathParams.uuid(id, "id", "run")).map(CancelResponse::of);
    }

    /**
     * @param status            the run's status now: {@code pending} until the executor has ended it
     * @param cancelRequestedAt when the cancel was first requested (a repeated request keeps it)
     */
    public record CancelResponse(UUID id, String kind, String status, OffsetDateTime cancelRequestedAt) {

        static CancelResponse of(CancelledRun run) {
            return new CancelResponse(run.id(), run.kind().wireName(), run.status(), run.requestedAt());
        }
    }
}
