package dev.promptjuggler.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.promptjuggler.gateway.client.KnowledgeSearchClient.SearchRequest;
import dev.promptjuggler.gateway.persistence.KnowledgeRepository.BaseRow;
import dev.promptjuggler.gateway.service.KnowledgeService;
import dev.promptjuggler.gateway.service.KnowledgeService.Chunking;
import dev.promptjuggler.gateway.service.KnowledgeService.Embedding;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
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
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.ResponseStatus;

@Path("/manage/v1/knowledge-bases")
@Tag(name = "Knowledge bases (management)")
public class KnowledgeBaseManagementResource {

    private final KnowledgeService knowledge;
    private final Caller caller;

    public KnowledgeBaseManagementResource(KnowledgeService knowledge, Caller caller) {
        this.knowledge = knowledge;
        this.caller = caller;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @ResponseStatus(201)
    @APIResponse(responseCode = "201", description = "The knowledge base", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = KnowledgeBaseSummary.class)))
    @APIResponse(responseCode = "409", description = "a knowledge base with slug kb_handbook already exists")
    @Operation(summary = "Create a knowledge base; its slug (kb_…) is derived from the name")
    public Uni<KnowledgeBaseSummary> create(@Valid @NotNull CreateKnowledgeBase body) {
        Chunking chunking = body.chunking() == null ? null
                : new Chunking(body.chunking().maxTokens(), body.chunking().overlapTokens());
        Embedding embedding = body.embedding() == null ? null
                : new Embedding(body.embedding().provider(), body.embedding().model(), body.embedding().dimensions());
        return knowledge.create(caller.tenantId(), body.name(), chunking, embedding)
                .map(KnowledgeBaseSummary::of);
    }

    @GET
    @Operation(summary = "Every knowledge base of the tenant with its status and counts")
    public Uni<List<KnowledgeBaseSummary>> list() {
        return knowledge.list(caller.tenantId()).map(bases -> bases.stream().map(KnowledgeBaseSummary::of).toList());
    }

    @GET
    @Path("/{slug}")
    @Operation(summary = "One knowledge base with its settings, status and counts")
    public Uni<KnowledgeBaseSummary> get(@PathParam("slug") String slug) {
        return knowledge.find(caller.tenantId(), slug).map(KnowledgeBaseSummary::of);
    }

    @DELETE
    @Path("/{slug}")
    @ResponseStatus(204)
    @Operation(summary = "Delete a knowledge base with all its documents and chunks")
    public Uni<Void> delete(@PathParam("slug") String slug) {
        return knowledge.delete(caller.tenantId(), slug);
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Path("/{slug}/search")
    @Operation(summary = "Semantic search: the chunks nearest to the query text, best first")
    @APIResponse(responseCode = "200", description = "The nearest chunks, best first",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "SearchResults")))
    public Uni<JsonNode> search(@PathParam("slug") String slug, @Valid @NotNull Search body) {
        return knowledge.search(caller.tenantId(), slug,
                new SearchRequest(body.query(), body.topK(), body.minScore(), body.documentIds(), body.filter()));
    }

    /**
     * @param chunking  chunk size and overlap in tokens of the embedding model; defaults fit the model
     * @param embedding {@code {"provider": "local"}} (default, in-process all-MiniLM-L6-v2-q, 384 dimensions) or
     *                  {@code {"provider": "openai", "model": "...", "dimensions": n}}
     */
    public record CreateKnowledgeBase(@NotBlank @Size(max = 200) String name, @Valid ChunkingBody chunking,
            @Valid EmbeddingBody embedding) {
    }

    public record ChunkingBody(Integer maxTokens, Integer overlapTokens) {
    }

    public record EmbeddingBody(
            @Pattern(regexp = "local|openai", message = "must be local or openai") String provider,
            @Size(max = 200) String model,
            @Min(1) @Max(2000) Integer dimensions) {
    }

    /**
     * @param topK        how many chunks at most (default 5)
     * @param minScore    cosine similarity in [-1, 1] a chunk must reach (default: no minimum)
     * @param documentIds search only these documents
     * @param filter      conditions on the documents' metadata: {@code {"team": "sales", "year": {"in": [2023, 2024]}}};
     *                    checked by knowledge-ingest, which answers a malformed one with a 400 naming it
     */
    public record Search(@NotBlank @Size(max = 4000) String query, @Min(1) @Max(100) Integer topK,
            @DecimalMin("-1") @DecimalMax("1") Double minScore, @Size(max = 100) List<UUID> documentIds,
            @Schema(ref = "MetadataFilter") JsonNode filter) {
    }

    public record KnowledgeBaseSummary(UUID id, String slug, String name, String status, long documentCount,
            long chunkCount, Chunking chunking, Embedding embedding, OffsetDateTime createdAt) {

        static KnowledgeBaseSummary of(BaseRow base) {
            return new KnowledgeBaseSummary(base.id(), base.slug(), base.name(), KnowledgeResource.status(base),
                    base.documentCount(), base.chunkCount(), new Chunking(base.chunkMaxTokens(), base.chunkOverlapTokens()),
                    new Embedding(base.embeddingProvider(), base.embeddingModel(), base.embeddingDimensions()),
                    base.createdAt());
        }
    }
}
