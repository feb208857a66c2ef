package dev.promptjuggler.gateway.api;

import dev.promptjuggler.contracts.RunKind;
import dev.promptjuggler.gateway.persistence.DefinitionRepository.DefinitionRow;
import dev.promptjuggler.gateway.persistence.DefinitionSettingsRepository;
import dev.promptjuggler.gateway.service.DefinitionService;
import dev.promptjuggler.gateway.service.RunService;
import dev.promptjuggler.gateway.service.WorkflowValidator;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MediaType;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.ResponseStatus;

/**
 * Workflow definitions share the prompts' life cycle. The draft is the node graph as a JSON object,
 * saved as it comes (it may be incomplete) and checked by {@link WorkflowValidator} when it is published or run as
 * a draft.
 */
@Path("/manage/v1/workflows")
@Tag(name = "Workflows (management)")
public class WorkflowManagementResource extends DefinitionManagementResource {

    private final WorkflowValidator validator;

    public WorkflowManagementResource(DefinitionService definitions, RunService runs,
            DefinitionSettingsRepository settings, WorkflowValidator validator, Caller caller) {
        super(definitions, runs, settings, caller, RunKind.WORKFLOW);
        this.validator = validator;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @ResponseStatus(201)
    @APIResponse(responseCode = "201", description = "The workflow with its draft", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = DefinitionResponse.class)))
    @APIResponse(responseCode = "409", description = "workflow slug wf_summarise is already taken; choose another name")
    @Operation(summary = "Create a workflow with its first draft; its slug (wf_…) is derived from the name")
    public Uni<DefinitionResponse> create(@Valid @NotNull CreateWorkflow body) {
        return definitions.create(caller.tenantId(), kind, body.name(), body.draft()).chain(this::response);
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @Path("/{slug}/draft")
    @Operation(summary = "Save the draft (runs only as a draft run until published)")
    public Uni<DefinitionResponse> saveDraft(@PathParam("slug") String slug,
            @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(ref = "WorkflowGraph"))) @NotNull Map<String, Object> draft) {
        return definitions.saveDraft(caller.tenantId(), kind, slug, draft).chain(this::response);
    }

    @Override
    protected Uni<Void> checkBeforePublishing(DefinitionRow workflow) {
        return validator.check(caller.tenantId(), workflow);
    }

    public record CreateWorkflow(@NotBlank @Size(max = 200) String name,
            @Schema(ref = "WorkflowGraph") @NotNull Map<String, Object> draft) {
    }
}
