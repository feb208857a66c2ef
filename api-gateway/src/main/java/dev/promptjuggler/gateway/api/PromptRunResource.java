package dev.promptjuggler.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.promptjuggler.gateway.persistence.RunRepository.RunRow;
import dev.promptjuggler.gateway.service.RunService;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import java.time.OffsetDateTime;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The public prompt-run endpoints of the PromptJuggler API. */
@Path("/api/v1")
@Tag(name = "Prompt runs")
public class PromptRunResource {

    private final RunService runs;
    private final Caller caller;

    public PromptRunResource(RunService runs, Caller caller) {
        this.runs = runs;
        this.caller = caller;
    }

    @POST
    @Path("/prompts/{slug}/{version}/runs")
    @Operation(summary = "Create and trigger a prompt run; version is a number or __latest__")
    public Uni<CreateRunResponse> create(@PathParam("slug") String slug, @PathParam("version") String version,
            CreatePromptRunBody body) {
        if (body == null) {
            throw ApiException.invalid("a JSON body with inputs is required");
        }
        return runs.createPromptRun(caller.tenantId(), slug, version, body.toRunRequest())
                .map(accepted -> new CreateRunResponse(accepted.id(), accepted.thread()));
    }

    @GET
    @Path("/promptruns/{id}")
    @Operation(summary = "Get a prompt run")
    public Uni<PromptRunResponse> get(@PathParam("id") String id) {
        return runs.findPromptRun(caller.tenantId(), parseId(id)).map(PromptRunResponse::of);
    }

    private static UUID parseId(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ApiException.notFound("prompt run " + id + " not found");
        }
    }

    public record CreateRunResponse(UUID id, UUID thread) {
    }

    /** The SDK's {@code PromptRun}, plus {@code revision}: which published revision ran. */
    public record PromptRunResponse(UUID id, String status, OffsetDateTime createdAt, OffsetDateTime finishedAt,
            String output, String error, JsonNode tokenUsage, JsonNode cost, JsonNode emitted, JsonNode transcript,
            RevisionRef revision) {

        static PromptRunResponse of(RunRow run) {
            return new PromptRunResponse(run.id(), run.status(), run.createdAt(), run.finishedAt(), run.output(),
                    run.error(), run.tokenUsage(), run.cost(), run.emitted(), run.transcript(),
                    new RevisionRef(run.revisionId(), run.revisionVersion()));
        }
    }

    public record RevisionRef(UUID id, int version) {
    }
}
