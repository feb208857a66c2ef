package dev.promptjuggler.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.promptjuggler.contracts.Priority;
import dev.promptjuggler.contracts.RunKind;
import dev.promptjuggler.gateway.persistence.DefinitionRepository.DefinitionRow;
import dev.promptjuggler.gateway.persistence.DefinitionRepository.RevisionRow;
import dev.promptjuggler.gateway.persistence.DefinitionSettingsRepository;
import dev.promptjuggler.gateway.service.DefinitionService;
import dev.promptjuggler.gateway.service.RunService;
import dev.promptjuggler.gateway.service.RunService.RunRequest;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.jboss.resteasy.reactive.ResponseStatus;

/**
 * The management endpoints prompts and workflows share: list, get, archive, rename, publish, versions, tags, and
 * test runs of the draft. Creating and saving drafts differ by draft type and live in the subclasses.
 */
public abstract class DefinitionManagementResource {

    protected final DefinitionService definitions;
    protected final RunService runs;
    protected final DefinitionSettingsRepository settings;
    protected final Caller caller;
    protected final RunKind kind;

    protected DefinitionManagementResource(DefinitionService definitions, RunService runs,
            DefinitionSettingsRepository settings, Caller caller, RunKind kind) {
        this.definitions = definitions;
        this.runs = runs;
        this.settings = settings;
        this.caller = caller;
        this.kind = kind;
    }

    /** The query parameter is declared for the OpenAPI document; it is read through {@link QueryParameters}. */
    @GET
    @Operation(summary = "List, with each one's latest published version; archived ones only with archived=true")
    public Uni<List<DefinitionSummary>> list(
            @Parameter(description = "true lists the archived ones too", schema = @Schema(type = SchemaType.BOOLEAN))
            @QueryParam("archived") String archived, @Context UriInfo uri) {
        String listed = new QueryParameters(uri.getQueryParameters(), Set.of("archived"), name -> false)
                .oneOf("archived", List.of("true", "false"));
        return definitions.list(caller.tenantId(), kind, "true".equals(listed))
                .map(rows -> rows.stream().map(DefinitionSummary::of).toList());
    }

    @GET
    @Path("/{slug}")
    @Operation(summary = "Get one by its slug or by a slug it had before a rename, with its draft (archived ones too)")
    public Uni<DefinitionResponse> get(@PathParam("slug") String slug) {
        return definitions.find(caller.tenantId(), kind, slug).chain(this::response);
    }

    @DELETE
    @Path("/{slug}")
    @Operation(summary = "Archive: the slug stops resolving for new runs and references, runs stay readable,"
            + " changes are refused (409), and the slug is never reused")
    public Uni<Void> archive(@PathParam("slug") String slug) {
        return definitions.archive(caller.tenantId(), kind, slug);
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Path("/{slug}/draft/runs")
    @APIResponse(responseCode = "200", description = "The run was accepted; read it like any run, at url", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = DraftRunResponse.class)))
    @APIResponse(responseCode = "409", description = "prompt pr_greeter is archived")
    @Operation(summary = "Run the current draft at onsite priority without publishing it, as the editor's test runs do;"
            + " the body is the public create-run body (priority onsite or absent)")
    public Uni<DraftRunResponse> runDraft(@PathParam("slug") String slug,
            @HeaderParam("Idempotency-Key") String idempotencyKey, CreateRunBody body) {
        RunRequest request = RunIds.request(body);
        if (request.priority() != Priority.ONSITE && body.priority() != null) {
            throw ApiException.invalid("priority must be onsite or absent: a draft runs at onsite priority");
        }
        RunRequest onsite = new RunRequest(request.inputs(), request.thread(), Priority.ONSITE, request.environment(),
                request.envVars(), request.metadata(), request.channel());
        return runs.createDraftRun(caller.requester(), kind, slug, onsite, idempotencyKey, this::checkBeforePublishing)
                .map(accepted -> new DraftRunResponse(accepted.id(), accepted.thread(), accepted.revisionId(),
                        (kind == RunKind.PROMPT ? "/api/v1/promptruns/" : "/api/v1/workflowruns/") + accepted.id()));
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Path("/{slug}/rename")
    @APIResponse(responseCode = "200", description = "Renamed; the old slug stays an alias", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = DefinitionResponse.class)))
    @APIResponse(responseCode = "409", description = "prompt slug pr_welcomer is already taken")
    @Operation(summary = "Rename; the slug follows the new name and the old slug stays a working alias")
    public Uni<DefinitionResponse> rename(@PathParam("slug") String slug, @Valid @NotNull RenameRequest body) {
        return definitions.rename(caller.tenantId(), kind, slug, body.name()).chain(this::response);
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Path("/{slug}/versions")
    @ResponseStatus(201)
    @APIResponse(responseCode = "201", description = "The published version", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = VersionResponse.class)))
    @Operation(summary = "Publish the current draft as the next version (immutable)")
    public Uni<VersionResponse> publish(@PathParam("slug") String slug, @Valid PublishRequest body) {
        return definitions.publish(caller.tenantId(), kind, slug, body == null ? null : body.changeNote(),
                        this::checkBeforePublishing)
                .map(VersionResponse::of);
    }

    @GET
    @Path("/{slug}/versions")
    @Operation(summary = "List published versions, newest first, with the tags pointing at each")
    public Uni<List<VersionResponse>> versions(@PathParam("slug") String slug) {
        return definitions.versions(caller.tenantId(), kind, slug)
                .map(rows -> rows.stream().map(VersionResponse::of).toList());
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @Path("/{slug}/tags/{tag}")
    @Operation(summary = "Point a tag (e.g. production) at a published version, creating or moving it")
    public Uni<VersionResponse> moveTag(@PathParam("slug") String slug, @PathParam("tag") String tag,
            @Valid @NotNull MoveTagRequest body) {
        return definitions.moveTag(caller.tenantId(), kind, slug, tag, body.version()).map(VersionResponse::of);
    }

    @DELETE
    @Path("/{slug}/tags/{tag}")
    @Operation(summary = "Delete a tag")
    public Uni<Void> deleteTag(@PathParam("slug") String slug, @PathParam("tag") String tag) {
        return definitions.deleteTag(caller.tenantId(), kind, slug, tag);
    }

    @GET
    @Path("/{slug}/settings")
    @Operation(summary = "Its settings, which apply to every run of it whatever the version: the run deadline")
    public Uni<DefinitionSettings> settings(@PathParam("slug") String slug) {
        return definitions.find(caller.tenantId(), kind, slug)
                .chain(row -> settings.runTimeoutSeconds(row.id()))
                .map(DefinitionSettings::new);
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @Path("/{slug}/settings")
    @Operation(summary = "Replace its settings: runTimeoutSeconds stops a run still executing after that long (failed,"
            + " \"timed out\"); null or absent falls back to the service's executor.run-timeout (10 min)")
    public Uni<DefinitionSettings> putSettings(@PathParam("slug") String slug, @Valid @NotNull DefinitionSettings body) {
        return definitions.find(caller.tenantId(), kind, slug)
                .chain(row -> settings.setRunTimeoutSeconds(row.id(), body.runTimeoutSeconds()))
                .replaceWith(body);
    }

    /**
     * Checks a draft must pass to be published or run, beyond those made when it was saved; fails with an
     * {@link ApiException} to refuse it. Drafts may be saved incomplete.
     */
    protected Uni<Void> checkBeforePublishing(DefinitionRow definition) {
        return Uni.createFrom().voidItem();
    }

    protected Uni<DefinitionResponse> response(DefinitionRow row) {
        return definitions.aliases(row).map(aliases -> new DefinitionResponse(row.id(), row.slug(), row.name(),
                aliases, row.draft(), row.latestVersion(), row.createdAt(), row.updatedAt(), row.archivedAt()));
    }

    /**
     * @param runTimeoutSeconds a run of it still executing this long after it started is stopped and ends failed with
     *                          the error {@code timed out}; null: the service's {@code executor.run-timeout}
     */
    public record DefinitionSettings(@Min(1) @Max(86400) Integer runTimeoutSeconds) {
    }

    public record RenameRequest(@NotBlank @Size(max = 200) String name) {
    }

    public record PublishRequest(@Size(max = 2000) String changeNote) {
    }

    public record MoveTagRequest(@NotNull @Positive Integer version) {
    }

    /**
     * @param aliases    slugs it had before renames; they keep resolving to it
     * @param archivedAt when it was archived; null while it is not
     */
    public record DefinitionResponse(UUID id, String slug, String name, List<String> aliases, JsonNode draft,
            Integer latestVersion, OffsetDateTime createdAt, OffsetDateTime updatedAt, OffsetDateTime archivedAt) {
    }

    public record DefinitionSummary(UUID id, String slug, String name, Integer latestVersion,
            OffsetDateTime updatedAt, OffsetDateTime archivedAt) {

        static DefinitionSummary of(DefinitionRow row) {
            return new DefinitionSummary(row.id(), row.slug(), row.name(), row.latestVersion(), row.updatedAt(),
                    row.archivedAt());
        }
    }

    /**
     * The public create-run answer and what to read the run by.
     *
     * @param revisionId the draft's snapshot the run executes (also the run read's PromptJuggler-Revision-Id, whose
     *                   PromptJuggler-Revision-Version says {@code draft})
     * @param url        the public run read: {@code /api/v1/promptruns/{id}} or {@code /api/v1/workflowruns/{id}}
     */
    public record DraftRunResponse(UUID id, UUID thread, UUID revisionId, String url) {
    }

    public record VersionResponse(UUID revisionId, int version, String changeNote, OffsetDateTime publishedAt,
            List<String> tags) {

        static VersionResponse of(RevisionRow revision) {
            return new VersionResponse(revision.id(), revision.version(), revision.changeNote(),
                    revision.publishedAt(), revision.tags());
        }
    }
}
