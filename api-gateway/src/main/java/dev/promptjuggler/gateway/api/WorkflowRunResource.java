package dev.promptjuggler.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.promptjuggler.contracts.RunKind;
import dev.promptjuggler.gateway.persistence.RunRepository.RunRow;
import dev.promptjuggler.gateway.service.RunService;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MediaType;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

/** The public workflow-run endpoints of the PromptJuggler API. */
@Path("/api/v1")
@Tag(name = "Workflows")
public class WorkflowRunResource {

    private final RunService runs;
    private final Caller caller;

    public WorkflowRunResource(RunService runs, Caller caller) {
        this.runs = runs;
        this.caller = caller;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Path("/workflows/{slug}/{version}/runs")
    @Operation(summary = "Create and trigger a workflow run; version is a number, a tag, __latest__ or a revision id")
    public Uni<RunIds> create(@PathParam("slug") String slug, @PathParam("version") String version,
            @HeaderParam("Idempotency-Key") String idempotencyKey, CreateRunBody body) {
        return runs.createRun(caller.requester(), RunKind.WORKFLOW, slug, version, RunIds.request(body),
                        idempotencyKey)
                .map(RunIds::of);
    }

    @GET
    @Path("/workflowruns/{id}")
    @Operation(summary = "Get a workflow run; headers PromptJuggler-Revision-Id and -Version name the revision it ran")
    public Uni<RestResponse<WorkflowRunResponse>> get(@PathParam("id") String id) {
        return runs.findRun(caller.tenantId(), RunKind.WORKFLOW, PathParams.uuid(id, "id", "workflow run"))
                .map(run -> SdkShapes.withRevision(WorkflowRunResponse.of(run), run));
    }

    /** The SDK's {@code WorkflowRun}, exactly (see SdkShapes). */
    public record WorkflowRunResponse(UUID id, String status, OffsetDateTime createdAt, OffsetDateTime finishedAt,
            @Schema(ref = "WorkflowOutputs") JsonNode outputs, @Schema(ref = "WorkflowErrors") JsonNode errors,
            @Schema(ref = "TokenUsage") JsonNode tokenUsage, @Schema(ref = "RunCost") JsonNode cost) {

        static WorkflowRunResponse of(RunRow run) {
            return new WorkflowRunResponse(run.id(), run.status(), run.createdAt(), run.finishedAt(), run.outputs(),
                    run.errors(), SdkShapes.tokenUsage(run.tokenUsage()), SdkShapes.cost(run.cost()));
        }
    }
}
