package dev.promptjuggler.ingest.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.promptjuggler.ingest.persistence.ChunkSearch.Hit;
import dev.promptjuggler.ingest.persistence.MetadataFilter;
import dev.promptjuggler.ingest.service.SearchService;
import io.opentelemetry.context.Context;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Vector search for the platform's own services (api-gateway's management search, run-executor's
 * knowledge_search tool). Internal: not exposed publicly; the caller names the tenant it acts for and
 * gets nothing of another tenant's base.
 */
@Path("/internal/v1/knowledge-bases/{id}/search")
public class SearchResource {

    private final SearchService search;

    public SearchResource(SearchService search) {
        this.search = search;
    }

    @POST
    public Uni<Response> search(@PathParam("id") UUID knowledgeBaseId, @Valid @NotNull SearchRequest request) {
        int topK = request.topK() == null ? 5 : request.topK();
        MetadataFilter filter;
        try {
            filter = MetadataFilter.parse(request.filter());
        } catch (IllegalArgumentException e) {
            return Uni.createFrom().item(error(400, e.getMessage()));
        }
        // The request's span (continuing its caller's traceparent) is current here, and only here for certain.
        return search.search(request.tenantId(), knowledgeBaseId, request.query(), topK, request.minScore(),
                        request.documentIds(), filter, Boolean.TRUE.equals(request.exact()), Context.current())
                .map(found -> found
                        .map(hits -> Response.ok(new SearchResponse(hits)).build())
                        .orElseGet(() -> error(404, "knowledge base " + knowledgeBaseId + " not found")));
    }

    private static Response error(int status, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(Map.of("error", message)).build();
    }

    /**
     * @param filter conditions on the chunks' metadata ({@link MetadataFilter}); a malformed one is a 400 naming it
     * @param exact  scan every vector instead of the HNSW index (the benchmark's reference for recall)
     */
    public record SearchRequest(@NotNull UUID tenantId, @NotBlank @Size(max = 4000) String query,
            @Min(1) @Max(100) Integer topK, @DecimalMin("-1") @DecimalMax("1") Double minScore,
            @Size(max = 100) List<UUID> documentIds, JsonNode filter, Boolean exact) {
    }

    public record SearchResponse(List<Hit> results) {
    }
}
