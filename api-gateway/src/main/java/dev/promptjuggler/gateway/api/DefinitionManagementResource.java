package dev.promptjuggler.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.promptjuggler.contracts.RunKind;
import dev.promptjuggler.gateway.persistence.DefinitionRepository.DefinitionRow;
import dev.promptjuggler.gateway.persistence.DefinitionRepository.RevisionRow;
import dev.promptjuggler.gateway.service.DefinitionService;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
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
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MediaType;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.jboss.resteasy.reactive.ResponseStatus;

/**
 * The management endpoints prompts and workflows share: list, get, rename, publish, versions, tags.
 * Creating and saving drafts differ by draft type and live in the subclasses.
 */
public abstract class DefinitionManagementResource {

    protected final DefinitionService definitions;
    protected final Caller caller;
    protected final RunKind kind;

    protected DefinitionManagementResource(DefinitionService definitions, Caller caller, RunKind kind) {
        this.definitions = definitions;
        this.caller = caller;
        this.kind = kind;
    }

    @GET
    @Operation(summary = "List, with each one's latest published version")
    public Uni<List<DefinitionSummary>> list() {
        return definitions.list(caller.tenantId(), kind)
                .map(rows -> rows.stream().map(DefinitionSummary::of).toList());
    }

    @GET
    @Path("/{slug}")
    @Operation(summary = "Get one by its slug or by a slug it had before a rename, with its draft")
    public Uni<DefinitionResponse> get(@PathParam("slug") String slug) {
        return definitions.find(caller.tenantId(), kind, slug).chain(this::response);
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

    /**
     * Checks a draft must pass to be published, beyond those made when it was saved; fails with an
     * {@link ApiException} to refuse it. Drafts may be saved incomplete.
     */
    protected Uni<Void> checkBeforePublishing(DefinitionRow definition) {
        return Uni.createFrom().voidItem();
    }

    protected Uni<DefinitionResponse> response(DefinitionRow row) {
        return definitions.aliases(row).map(aliases -> new DefinitionResponse(row.id(), row.slug(), row.name(),
                aliases, row.draft(), row.latestVersion(), row.createdAt(), row.updatedAt()));
    }

    public record RenameRequest(@NotBlank @Size(max = 200) String name) {
    }

    public record PublishRequest(@Size(max = 2000) String changeNote) {
    }

    public record MoveTagRequest(@NotNull @Positive Integer version) {
    }

    /** @param aliases slugs it had before renames; they keep resolving to it */
    public record DefinitionResponse(UUID id, String slug, String name, List<String> aliases, JsonNode draft,
            Integer latestVersion, OffsetDateTime createdAt, OffsetDateTime updatedAt) {
    }

    public record DefinitionSummary(UUID id, String slug, String name, Integer latestVersion,
            OffsetDateTime updatedAt) {

        static DefinitionSummary of(DefinitionRow row) {
            return new DefinitionSummary(row.id(), row.slug(), row.name(), row.latestVersion(), row.updatedAt());
        }
    }

    public record VersionResponse(UUID revisionId, int version, String changeNote, OffsetDateTime publishedAt,
            List<String> tags) {

        static VersionResponse of(RevisionRow revision) {
            return new VersionResponse(revision.id(), revision.version(), revision.changeNote(),
                    revision.publishedAt(), revision.tags());
        }
    }
}
