package dev.promptjuggler.ingest.service;

import com.pgvector.PGvector;
import dev.promptjuggler.ingest.embedding.Embeddings;
import dev.promptjuggler.ingest.embedding.Embeddings.Model;
import dev.promptjuggler.ingest.persistence.ChunkSearch;
import dev.promptjuggler.ingest.config.IngestConfig;
import dev.promptjuggler.ingest.persistence.ChunkSearch.Hit;
import dev.promptjuggler.ingest.persistence.MetadataFilter;
import io.opentelemetry.context.Context;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

@ApplicationScoped
public class SearchService {

    private final ChunkSearch chunks;
    private final Embeddings embeddings;
    private final int exactScanBelow;

    public SearchService(ChunkSearch chunks, Embeddings embeddings, IngestConfig config) {
        this.chunks = chunks;
        this.embeddings = embeddings;
        this.exactScanBelow = config.search().exactScanBelow();
    }

    /**
     * Embeds the query with the base's own model, then takes the {@code topK} nearest chunks and keeps those
     * at or above {@code minScore} among those whose metadata the filter accepts: the hits come best first, so this
     * is the top k above the threshold.
     *
     * @param trace the search request's span: the query's embedding continues it
     * @return empty when the base does not exist for this tenant
     */
    public Uni<Optional<List<Hit>>> search(UUID tenantId, UUID knowledgeBaseId, String query, int topK,
            Double minScore, List<UUID> documentIds, MetadataFilter filter, boolean exact, Context trace) {
        return chunks.baseModel(tenantId, knowledgeBaseId).chain(base -> {
            if (base.isEmpty()) {
                return Uni.createFrom().item(Optional.<List<Hit>>empty());
            }
            Model model = new Model(base.get().provider(), base.get().model(), base.get().dimensions());
            return embeddings.embedQuery(model, query, trace)
                    .chain(vector -> chunks.nearest(knowledgeBaseId, model.dimensions(), new PGvector(vector).toString(),
                            topK, documentIds, filter, exactScanBelow, exact))
                    .map(hits -> Optional.of(hits.stream()
                            .filter(hit -> minScore == null || hit.score() >= minScore)
                            .toList()));
        });
    }
}
