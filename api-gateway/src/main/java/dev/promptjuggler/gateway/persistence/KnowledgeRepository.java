package dev.promptjuggler.gateway.persistence;

import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Knowledge bases and documents in the gateway schema. The gateway inserts and deletes them; a document's
 * processing state (status, chunk count, error) is knowledge-ingest's, read here through the view
 * knowledge.documents (docs/architecture.md). Deleting a document or a base writes nothing of knowledge-ingest's:
 * search leaves their chunks out at once and knowledge-ingest removes them.
 */
@ApplicationScoped
public class KnowledgeRepository {

    // A base's counts come from the one definition every reader uses (the SQL function, migration
    // gateway/V14_2); its status from them (KnowledgeBaseStatus.of).
    private static final String BASE_COLUMNS = "b.id, b.name, b.slug, b.chunk_max_tokens, b.chunk_overlap_tokens,"
            + " b.embedding_provider, b.embedding_model, b.embedding_dimensions, b.created_at, b.datasource_type,"
            // a base changes when documents are added to it (knowledge_documents_base finds the newest)
            + " greatest(b.created_at, (SELECT max(d.created_at) FROM gateway.knowledge_documents d"
            + " WHERE d.knowledge_base_id = b.id)) AS updated_at,"
            + " c.document_count, c.in_progress, c.failed, c.chunk_count"
            + " FROM gateway.knowledge_bases b CROSS JOIN LATERAL gateway.knowledge_base_counts(b.id) c";
    private static final String DOCUMENT_COLUMNS =
            "id, knowledge_base_id, file_name, mime_type, bytes, status, chunk_count, error, created_at, metadata"
            + " FROM knowledge.documents";

    private final Pool pool;

    public KnowledgeRepository(Pool pool) {
        this.pool = pool;
    }

    /** @return false when the tenant already has a base with this slug */
    public Uni<Boolean> insertBase(NewBase base) {
        return pool.preparedQuery("INSERT INTO gateway.knowledge_bases (id, tenant_id, name, slug, chunk_max_tokens,"
                        + " chunk_overlap_tokens, embedding_provider, embedding_model, embedding_dimensions, datasource_type)"
                        + " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (tenant_id, slug) DO NOTHING")
                .execute(Tuple.from(List.of(base.id(), base.tenantId(), base.name(), base.slug(), base.chunkMaxTokens(),
                        base.chunkOverlapTokens(), base.embeddingProvider(), base.embeddingModel(),
                        base.embeddingDimensions())).addString(base.datasourceType()))
                .map(rows -> rows.rowCount() == 1);
    }

    public Uni<Optional<BaseRow>> findBase(UUID tenantId, String slug) {
        return pool.preparedQuery("SELECT " + BASE_COLUMNS + " WHERE b.tenant_id = $1 AND b.slug = $2")
                .execute(Tuple.of(tenantId, slug))
                .map(rows -> first(rows).map(KnowledgeRepository::baseRow));
    }

    public Uni<Optional<BaseRow>> findBase(UUID tenantId, UUID id) {
        return pool.preparedQuery("SELECT " + BASE_COLUMNS + " WHERE b.tenant_id = $1 AND b.id = $2")
                .execute(Tuple.of(tenantId, id))
                .map(rows -> first(rows).map(KnowledgeRepository::baseRow));
    }

    public Uni<List<BaseRow>> listBases(UUID tenantId) {
        return pool.preparedQuery("SELECT " + BASE_COLUMNS + " WHERE b.tenant_id = $1"
                        + " ORDER BY b.created_at, b.slug")
                .execute(Tuple.of(tenantId))
                .map(rows -> {
                    List<BaseRow> bases = new ArrayList<>();
                    rows.forEach(row -> bases.add(baseRow(row)));
                    return bases;
                });
    }

    /** Its documents go with it (their chunks are knowledge-ingest's to remove). */
    public Uni<Boolean> deleteBase(UUID tenantId, String slug) {
        return pool.preparedQuery("DELETE FROM gateway.knowledge_bases WHERE tenant_id = $1 AND slug = $2")
                .execute(Tuple.of(tenantId, slug))
                .map(rows -> rows.rowCount() == 1);
    }

    /** Its documents go with it (their chunks are knowledge-ingest's to remove). */
    public Uni<Boolean> deleteBase(UUID tenantId, UUID id) {
        return pool.preparedQuery("DELETE FROM gateway.knowledge_bases WHERE tenant_id = $1 AND id = $2")
                .execute(Tuple.of(tenantId, id))
                .map(rows -> rows.rowCount() == 1);
    }

    public Uni<List<DocumentRow>> documentsOf(UUID baseId) {
        return pool.preparedQuery("SELECT " + DOCUMENT_COLUMNS
                        + " WHERE knowledge_base_id = $1 ORDER BY created_at, id")
                .execute(Tuple.of(baseId))
                .map(KnowledgeRepository::documentRows);
    }

    public Uni<Optional<DocumentRow>> findDocument(UUID tenantId, UUID id) {
        return pool.preparedQuery("SELECT " + DOCUMENT_COLUMNS + " WHERE id = $1 AND tenant_id = $2")
                .execute(Tuple.of(id, tenantId))
                .map(rows -> first(rows).map(KnowledgeRepository::documentRow));
    }

    /** Also while knowledge-ingest is working on it: from this commit on, its chunks are out of search. */
    public Uni<Boolean> deleteDocument(UUID tenantId, UUID id) {
        return pool.preparedQuery("DELETE FROM gateway.knowledge_documents WHERE id = $1 AND tenant_id = $2")
                .execute(Tuple.of(id, tenantId))
                .map(rows -> rows.rowCount() == 1);
    }

    /** The same, only when the document belongs to that base. */
    public Uni<Boolean> deleteDocument(UUID tenantId, UUID baseId, UUID id) {
        return pool.preparedQuery("DELETE FROM gateway.knowledge_documents WHERE id = $1 AND tenant_id = $2"
                        + " AND knowledge_base_id = $3")
                .execute(Tuple.of(id, tenantId, baseId))
                .map(rows -> rows.rowCount() == 1);
    }

    /**
     * Stores the documents in one transaction. Content already in the base (same SHA-256) is not stored
     * again: the existing document stands for it.
     */
    public Uni<List<StoredDocument>> insertDocuments(List<NewDocument> documents) {
        return pool.withTransaction(connection -> {
            Uni<List<StoredDocument>> chain = Uni.createFrom().item(new ArrayList<>());
            for (NewDocument document : documents) {
                chain = chain.chain(stored -> insertOrFind(connection, document).map(one -> {
                    stored.add(one);
                    return stored;
                }));
            }
            return chain;
        });
    }

    private Uni<StoredDocument> insertOrFind(SqlConnection connection, NewDocument document) {
        return connection.preparedQuery("INSERT INTO gateway.knowledge_documents (id, tenant_id, knowledge_base_id,"
                        + " file_name, mime_type, bytes, content_sha256, content, metadata)"
                        + " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::text::jsonb)"
                        + " ON CONFLICT (knowledge_base_id, content_sha256) DO NOTHING")
                .execute(Tuple.from(List.of(document.id(), document.tenantId(), document.knowledgeBaseId(),
                        document.fileName(), document.mimeType(), (long) document.content().length, document.sha256(),
                        io.vertx.core.buffer.Buffer.buffer(document.content()), document.metadata().encode())))
                // The stored document as every read shows it (a new one is pending until knowledge-ingest takes it up).
                .chain(inserted -> connection.preparedQuery("SELECT " + DOCUMENT_COLUMNS
                                + " WHERE knowledge_base_id = $1 AND content_sha256 = $2")
                        .execute(Tuple.of(document.knowledgeBaseId(), document.sha256()))
                        .map(stored -> new StoredDocument(documentRow(stored.iterator().next()),
                                inserted.rowCount() == 1)));
    }

    private static BaseRow baseRow(Row row) {
        return new BaseRow(row.getUUID("id"), row.getString("name"), row.getString("slug"),
                row.getInteger("chunk_max_tokens"), row.getInteger("chunk_overlap_tokens"),
                row.getString("embedding_provider"), row.getString("embedding_model"),
                row.getInteger("embedding_dimensions"), row.getOffsetDateTime("created_at"),
                row.getLong("document_count"), row.getLong("in_progress"), row.getLong("failed"),
                row.getLong("chunk_count"), row.getString("datasource_type"), row.getOffsetDateTime("updated_at"));
    }

    private static List<DocumentRow> documentRows(RowSet<Row> rows) {
        List<DocumentRow> documents = new ArrayList<>();
        rows.forEach(row -> documents.add(documentRow(row)));
        return documents;
    }

    private static DocumentRow documentRow(Row row) {
        return new DocumentRow(row.getUUID("id"), row.getUUID("knowledge_base_id"), row.getString("file_name"),
                row.getString("mime_type"), row.getLong("bytes"), row.getString("status"),
                row.getInteger("chunk_count"), row.getString("error"), row.getOffsetDateTime("created_at"),
                (JsonObject) row.getValue("metadata"));
    }

    private static Optional<Row> first(RowSet<Row> rows) {
        var iterator = rows.iterator();
        return iterator.hasNext() ? Optional.of(iterator.next()) : Optional.empty();
    }

    public record NewBase(UUID id, UUID tenantId, String name, String slug, int chunkMaxTokens,
            int chunkOverlapTokens, String embeddingProvider, String embeddingModel, int embeddingDimensions,
            String datasourceType) {
    }

    public record BaseRow(UUID id, String name, String slug, int chunkMaxTokens, int chunkOverlapTokens,
            String embeddingProvider, String embeddingModel, int embeddingDimensions, OffsetDateTime createdAt,
            long documentCount, long inProgress, long failed, long chunkCount, String datasourceType,
            OffsetDateTime updatedAt) {
    }

    public record NewDocument(UUID id, UUID tenantId, UUID knowledgeBaseId, String fileName, String mimeType,
            String sha256, byte[] content, JsonObject metadata) {
    }

    public record DocumentRow(UUID id, UUID knowledgeBaseId, String fileName, String mimeType, long bytes,
            String status, int chunkCount, String error, OffsetDateTime createdAt, JsonObject metadata) {
    }

    /** @param isNew false when identical content was already in the base */
    public record StoredDocument(DocumentRow document, boolean isNew) {
    }
}
