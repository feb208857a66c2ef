package dev.promptjuggler.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.promptjuggler.contracts.RunKind;
import dev.promptjuggler.contracts.prompt.PromptConfig;
import dev.promptjuggler.contracts.prompt.PromptMessage;
import dev.promptjuggler.gateway.persistence.JsonColumns;
import dev.promptjuggler.gateway.persistence.RunRepository.RunRow;
import dev.promptjuggler.gateway.service.DefinitionService;
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
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

/** The public prompt endpoints of the PromptJuggler API. */
@Path("/api/v1")
@Tag(name = "Prompts")
public class PromptRunResource {

    private final RunService runs;
    private final DefinitionService definitions;
    private final JsonColumns json;
    private final Caller caller;

    public PromptRunResource(RunService runs, DefinitionService definitions, JsonColumns json, Caller caller) {
        this.runs = runs;
        this.definitions = definitions;
        this.json = json;
        this.caller = caller;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Path("/prompts/{slug}/{version}/runs")
    @Operation(summary = "Create and trigger a prompt run; version is a number, a tag, __latest__ or a revision id")
    public Uni<RunIds> create(@PathParam("slug") String slug, @PathParam("version") String version,
            @HeaderParam("Idempotency-Key") String idempotencyKey, CreateRunBody body) {
        return runs.createRun(caller.requester(), RunKind.PROMPT, slug, version, RunIds.request(body),
                        idempotencyKey)
                .map(RunIds::of);
    }

    @GET
    @Path("/promptruns/{id}")
    @Operation(summary = "Get a prompt run; headers PromptJuggler-Revision-Id and -Version name the revision it ran")
    public Uni<RestResponse<PromptRunResponse>> get(@PathParam("id") String id) {
        return runs.findRun(caller.tenantId(), RunKind.PROMPT, PathParams.uuid(id, "id", "prompt run"))
                .map(run -> SdkShapes.withRevision(PromptRunResponse.of(run), run));
    }

    @GET
    @Path("/prompts/{slug}/{version}")
    @Operation(summary = "Get the full configuration of a published revision (number, tag, __latest__ or revision id)")
    public Uni<PromptRevisionResponse> revision(@PathParam("slug") String slug, @PathParam("version") String version) {
        return definitions.resolve(caller.tenantId(), RunKind.PROMPT, slug, version).map(resolved -> {
            PromptConfig config = json.read(resolved.revision().config().toString(), PromptConfig.class);
            return new PromptRevisionResponse(resolved.revision().id(), resolved.definition().id(), config.memory(), config.provider(), config.model(),
                    SdkShapes.modelParams(config.modelParams()),
                    config.responseFormat() == null ? Map.of("type", "text")
                            : SdkShapes.responseFormat(config.responseFormat()),
                    config.systemInstruction(), config.messages(), SdkShapes.tools(config.tools()));
        });
    }

    /** The SDK's {@code PromptRun}, exactly (see SdkShapes). */
    public record PromptRunResponse(UUID id, String status, OffsetDateTime createdAt, OffsetDateTime finishedAt,
            String output, String error, @Schema(ref = "TokenUsage") JsonNode tokenUsage,
            @Schema(ref = "RunCost") JsonNode cost, @Schema(ref = "EmittedItems") JsonNode emitted,
            @Schema(ref = "Transcript") JsonNode transcript) {

        static PromptRunResponse of(RunRow run) {
            return new PromptRunResponse(run.id(), run.status(), run.createdAt(), run.finishedAt(), run.output(),
                    run.error(), SdkShapes.tokenUsage(run.tokenUsage()), SdkShapes.cost(run.cost()), run.emitted(),
                    run.transcript());
        }
    }

    /** The SDK's {@code PromptRevision}, exactly. */
    public record PromptRevisionResponse(UUID id, UUID promptId, String memory, String provider,
            String model, Map<String, Object> modelParams, Map<String, Object> responseFormat,
            String systemInstruction, List<PromptMessage> messages, List<Map<String, Object>> tools) {
    }
}
