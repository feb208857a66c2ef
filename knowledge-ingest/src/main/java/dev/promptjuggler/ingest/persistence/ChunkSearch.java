package dev.promptjuggler.ingest.persistence;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** Nearest chunks by cosine distance over the HNSW index of the base's vector size. */
@ApplicationScoped
public class ChunkSearch {

    /** Sizes with an HNSW index (migration V2); other sizes are searched exactly. */
    private static final Set<Integer> INDEXED = Set.of(384, 1536);

    private final Pool pool;

    public ChunkSearch(Pool pool) {
        this.pool = pool;
    }

    /** The base's embedding model, when it belongs to the tenant. */
    public Uni<Optional<BaseModel>> baseModel(UUID tenantId, UUID knowledgeBaseId) {
        return pool.preparedQuery("SELECT embedding_provider, embedding_model, embedding_dimensions"
                        + " FROM gateway.knowledge_bases WHERE id = $1 AND tenant_id = $2")
                .execute(Tuple.of(knowledgeBaseId, tenantId))
                .map(rows -> {
                    var iterator = rows.iterator();
                    if (!iterator.hasNext()) {
                        return Optional.empty();
                    }
                    var row = iterator.next();
                    return Optional.of(new BaseModel(row.getString("embedding_provider"), row.getString("embedding_model"),
                            row.getInteger("embedding_dimensions")));
                });
    }

    /**
     * The query's {@code topK} nearest chunks of ready documents, in one statement. Only live documents count (the
     * join with knowledge.documents): a document the gateway deleted is left out from that moment, before its chunks
     * are removed. The index settings ({@code hnsw.ef_search}, iterative scans) are the connection's own, set when it
     * opens (application.properties), and so is planning every execution for its own arguments: how many chunks the
     * base and the filter leave decides between the HNSW index and an exact scan. The exact scan, the benchmark's
     * reference, turns index scans off for its own transaction.
     *
     * <p>With a metadata filter, the chunks it leaves are counted first through the metadata index (up to
     * {@code exactScanBelow} + 1): at most {@code exactScanBelow} are scanned exactly, more are searched over the HNSW
     * index with the filter applied during its iterative scan, where matches are then common enough to be met soon.
     *
     * @param vector      the query's vector, pgvector text
     * @param documentIds null = every document of the base
     */
    public Uni<List<Hit>> nearest(UUID knowledgeBaseId, int dimensions, String vector, int topK, List<UUID> documentIds,
            MetadataFilter filter, int exactScanBelow, boolean exact) {
        String sql = nearestSql(dimensions, documentIds != null, filter);
        Tuple arguments = Tuple.of(knowledgeBaseId, vector, topK);
        if (documentIds != null) {
            arguments.addArrayOfUUID(documentIds.toArray(UUID[]::new));
        }
        filter.parameters().forEach(arguments::addString);
        if (exact || !INDEXED.contains(dimensions)) {
            return exactly(sql, arguments);
        }
        if (filter.isEmpty()) {
            return pool.preparedQuery(sql).execute(arguments).map(ChunkSearch::hits);
        }
        Tuple counted = Tuple.of(knowledgeBaseId, exactScanBelow + 1);
        filter.parameters().forEach(counted::addString);
        return pool.preparedQuery(filteredCountSql(dimensions, filter)).execute(counted)
                .chain(rows -> rows.iterator().next().getLong(0) <= exactScanBelow
                        ? exactly(sql, arguments)
                        : pool.preparedQuery(sql).execute(arguments).map(ChunkSearch::hits));
    }

    private Uni<List<Hit>> exactly(String sql, Tuple arguments) {
        return pool.withTransaction(connection -> connection.query("SET LOCAL enable_indexscan = off").execute()
                .chain(() -> connection.preparedQuery(sql).execute(arguments))
                .map(ChunkSearch::hits));
    }

    /** The nearest-chunks statement without a metadata filter (see {@link #nearestSql(int, boolean, MetadataFilter)}). */
    public static String nearestSql(int dimensions, boolean byDocument) {
        return nearestSql(dimensions, byDocument, MetadataFilter.NONE);
    }

    /**
     * The nearest-chunks statement for one vector size. Parameters: $1 the base, $2 the query's vector (pgvector
     * text), $3 topK, when {@code byDocument} $4 the document ids, then the filter's containment documents. The
     * knowledge benchmark times this very statement (bench/knowledge).
     */
    public static String nearestSql(int dimensions, boolean byDocument, MetadataFilter filter) {
        // The dimension is an integer the base recorded; it is written into the SQL because the partial index
        // matches only a literal expression and predicate.
        String column = "c.embedding::vector(" + dimensions + ")";
        String query = "$2::text::vector(" + dimensions + ")";
        // Ready is read from knowledge.document_states, not from the view's status: the view's status is a
        // coalesce over an outer join, which the planner takes for one document in 200, so it would fetch "the few
        // ready chunks" by document and sort them, scanning the whole base, instead of walking the HNSW index. A
        // ready document has its state row; the view, of which only the file name is read, still leaves out a
        // document the gateway deleted.
        return "SELECT c.document_id, d.file_name, c.position, c.page, c.heading_path, c.content, c.token_count,"
                + " 1 - (" + column + " <=> " + query + ") AS score"
                + " FROM knowledge.chunks c JOIN knowledge.document_states s ON s.document_id = c.document_id"
                + " JOIN knowledge.documents d ON d.id = c.document_id"
                + " WHERE c.knowledge_base_id = $1 AND c.dimensions = " + dimensions + " AND s.status = 'ready'"
                + (byDocument ? " AND c.document_id = ANY($4)" : "")
                + (filter.isEmpty() ? "" : " AND " + filter.sql("c.metadata", byDocument ? 5 : 4))
                + " ORDER BY " + column + " <=> " + query + " LIMIT $3";
    }

    /**
     * How many of the base's chunks of this size the filter leaves, counted up to $2 (through the metadata index);
     * the filter's documents from $3 on.
     */
    public static String filteredCountSql(int dimensions, MetadataFilter filter) {
        return "SELECT count(*) FROM (SELECT 1 FROM knowledge.chunks c WHERE c.knowledge_base_id = $1"
                + " AND c.dimensions = " + dimensions + " AND " + filter.sql("c.metadata", 3) + " LIMIT $2) f";
    }

    private static List<Hit> hits(RowSet<Row> rows) {
        List<Hit> hits = new ArrayList<>(rows.size());
        rows.forEach(row -> hits.add(new Hit(row.getUUID("document_id"), row.getString("file_name"),
                row.getInteger("position"), row.getInteger("page"), Arrays.asList(row.getArrayOfStrings("heading_path")),
                row.getString("content"), row.getInteger("token_count"), row.getDouble("score"))));
        return hits;
    }

    public record BaseModel(String provider, String model, int dimensions) {
    }

    public record Hit(UUID documentId, String fileName, int position, Integer page, List<String> headingPath,
            String content, int tokenCount, double score) {
    }
}
