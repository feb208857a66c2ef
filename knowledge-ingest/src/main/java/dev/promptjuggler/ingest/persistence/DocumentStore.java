package dev.promptjuggler.ingest.persistence;

import dev.promptjuggler.contracts.knowledge.KnowledgeBaseStatus;
import dev.promptjuggler.contracts.knowledge.KnowledgeDocumentStatus;
import dev.promptjuggler.ingest.chunking.Chunk;
import dev.promptjuggler.ingest.embedding.Embeddings.Model;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The documents api-gateway stored (gateway.knowledge_documents, read only here), their processing state
 * (knowledge.document_states) and their chunks (knowledge.chunks). This service alone writes the state: status,
 * chunk count, error, lease, claims and notice time, in a row it inserts when it first takes the document up.
 * Every status change is guarded by the status it expects, so a redelivered or swept document can never go
 * backwards. A document the gateway deleted leaves its state and chunks behind until {@link #forget} or
 * {@link #forgetDeleted} removes them; search and the counts read only live documents meanwhile.
 */
@ApplicationScoped
public class DocumentStore {

    /** The state row's document still exists (the state's alias is {@code s}). */
    private static final String LIVE = "EXISTS (SELECT 1 FROM gateway.knowledge_documents d WHERE d.id = s.document_id)";

    private final Pool pool;

    public DocumentStore(Pool pool) {
        this.pool = pool;
    }

    /** The document with its base's settings, or empty when it was deleted. */
    public Uni<Optional<DocumentWork>> load(UUID documentId) {
        return pool.preparedQuery("SELECT d.id, d.tenant_id, d.knowledge_base_id, d.mime_type, d.status, d.chunk_count,"
                        + " d.error, d.notified_at IS NOT NULL AS notified, b.chunk_max_tokens, b.chunk_overlap_tokens,"
                        + " b.embedding_provider, b.embedding_model, b.embedding_dimensions"
                        + " FROM knowledge.documents d JOIN gateway.knowledge_bases b ON b.id = d.knowledge_base_id"
                        + " WHERE d.id = $1")
                .execute(Tuple.of(documentId))
                .map(rows -> first(rows).map(row -> new DocumentWork(row.getUUID("id"), row.getUUID("tenant_id"),
                        row.getUUID("knowledge_base_id"), row.getString("mime_type"),
                        KnowledgeDocumentStatus.fromWireName(row.getString("status")), row.getInteger("chunk_count"),
                        row.getString("error"), row.getBoolean("notified"), row.getInteger("chunk_max_tokens"),
                        row.getInteger("chunk_overlap_tokens"), new Model(row.getString("embedding_provider"),
                                row.getString("embedding_model"), row.getInteger("embedding_dimensions")))));
    }

    public Uni<Optional<byte[]>> content(UUID documentId) {
        return pool.preparedQuery("SELECT content FROM gateway.knowledge_documents WHERE id = $1")
                .execute(Tuple.of(documentId))
                .map(rows -> first(rows).map(row -> row.getBuffer("content").getBytes()));
    }

    /**
     * Claims the document for {@code lease}; its first claim inserts its state row. Taking it over from no live
     * lease counts as one more claim, before any work is done, so an instance that dies on it still used one;
     * renewing a live lease (a retry within the same handling) does not.
     *
     * @return the claims the document has taken, this one included; empty when it is gone or finished
     */
    public Uni<Optional<Integer>> claim(UUID documentId, Duration lease) {
        return pool.preparedQuery("INSERT INTO knowledge.document_states AS s (document_id, knowledge_base_id,"
                        + " lease_until, claims) SELECT id, knowledge_base_id, now() + $2::text::interval, 1"
                        + " FROM gateway.knowledge_documents WHERE id = $1"
                        + " ON CONFLICT (document_id) DO UPDATE SET lease_until = excluded.lease_until,"
                        + " claims = s.claims + CASE WHEN s.lease_until IS NULL OR s.lease_until < now() THEN 1 ELSE 0 END"
                        + " WHERE s.status IN ('pending', 'sealed') RETURNING claims")
                .execute(Tuple.of(documentId, lease.toSeconds() + " seconds"))
                .map(rows -> first(rows).map(row -> row.getInteger("claims")));
    }

    /**
     * pending → sealed with its chunks, in one transaction: a crash before the commit leaves the document
     * pending with no chunks, after it sealed with all of them. The document's row is share-locked until the
     * commit, so the gateway's delete of it comes after the chunks (and {@link #forgetDeleted} removes them) or
     * before, and then nothing is stored.
     *
     * @return false when the document was no longer pending (another worker sealed it) or is gone
     */
    public Uni<Boolean> seal(UUID documentId, UUID knowledgeBaseId, List<Chunk> chunks) {
        return pool.withTransaction(connection -> connection
                .preparedQuery("SELECT metadata FROM gateway.knowledge_documents WHERE id = $1 FOR KEY SHARE")
                .execute(Tuple.of(documentId))
                .chain(live -> live.rowCount() == 0 ? Uni.createFrom().item(Optional.<Object>empty()) : connection
                        .preparedQuery("INSERT INTO knowledge.document_states AS s (document_id, knowledge_base_id, status,"
                                + " chunk_count) VALUES ($1, $2, 'sealed', $3) ON CONFLICT (document_id) DO UPDATE"
                                + " SET status = 'sealed', chunk_count = excluded.chunk_count WHERE s.status = 'pending'")
                        .execute(Tuple.of(documentId, knowledgeBaseId, chunks.size()))
                        // Each chunk carries the document's metadata: search filters chunks, never joins for it.
                        .map(sealed -> sealed.rowCount() == 0 ? Optional.<Object>empty()
                                : Optional.of(live.iterator().next().getValue("metadata"))))
                .chain(metadata -> {
                    if (metadata.isEmpty()) {
                        return Uni.createFrom().item(false);
                    }
                    List<Tuple> rows = new ArrayList<>(chunks.size());
                    for (Chunk chunk : chunks) {
                        rows.add(Tuple.from(List.of(documentId, knowledgeBaseId, chunk.position(),
                                        chunk.headingPath().toArray(String[]::new), chunk.text(), chunk.tokenCount()))
                                .addInteger(chunk.page())
                                .addValue(metadata.get()));
                    }
                    return connection.preparedQuery("INSERT INTO knowledge.chunks (document_id, knowledge_base_id,"
                                    + " position, heading_path, content, token_count, page, metadata)"
                                    + " VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
                            .executeBatch(rows)
                            .replaceWith(true);
                }));
    }

    /** The chunks still without a vector, shortest first (batches of similar length pad least). */
    public Uni<List<PendingChunk>> unembedded(UUID documentId) {
        return pool.preparedQuery("SELECT position, content FROM knowledge.chunks WHERE document_id = $1"
                        + " AND embedding IS NULL ORDER BY length(content), position")
                .execute(Tuple.of(documentId))
                .map(rows -> {
                    List<PendingChunk> chunks = new ArrayList<>();
                    rows.forEach(row -> chunks.add(new PendingChunk(row.getInteger("position"), row.getString("content"))));
                    return chunks;
                });
    }

    /** The chunks just sealed, in the order {@link #unembedded} would read them back. */
    public static List<PendingChunk> shortestFirst(List<Chunk> chunks) {
        return chunks.stream()
                .sorted(Comparator.comparingInt((Chunk chunk) -> chunk.text().length()).thenComparingInt(Chunk::position))
                .map(chunk -> new PendingChunk(chunk.position(), chunk.text()))
                .toList();
    }

    /** Gives back the leases of documents this instance stops working on; the claims they took are not counted. */
    public Uni<Integer> release(List<UUID> documentIds) {
        if (documentIds.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        return pool.preparedQuery("UPDATE knowledge.document_states SET lease_until = now(), claims = claims - 1"
                        + " WHERE document_id = ANY($1) AND status IN ('pending', 'sealed') AND lease_until > now()")
                .execute(Tuple.of(documentIds.toArray(new UUID[0])))
                .map(RowSet::rowCount);
    }

    /**
     * Stores a batch of vectors and renews the lease; vectors (pgvector text) in the order of {@code positions}.
     *
     * @return false when the document is no longer in work (deleted meanwhile): the rest need not be embedded
     */
    public Uni<Boolean> storeVectors(UUID documentId, List<Integer> positions, List<String> vectors, int dimensions,
            Duration lease) {
        List<Tuple> rows = new ArrayList<>(positions.size());
        for (int i = 0; i < positions.size(); i++) {
            rows.add(Tuple.of(documentId, positions.get(i), vectors.get(i), dimensions));
        }
        return pool.withTransaction(connection -> connection
                .preparedQuery("UPDATE knowledge.chunks SET embedding = $3::text::vector, dimensions = $4"
                        + " WHERE document_id = $1 AND position = $2 AND embedding IS NULL")
                .executeBatch(rows)
                .chain(() -> connection.preparedQuery("UPDATE knowledge.document_states s"
                                + " SET lease_until = now() + $2::text::interval WHERE document_id = $1 AND status = 'sealed'"
                                + " AND " + LIVE)
                        .execute(Tuple.of(documentId, lease.toSeconds() + " seconds")))
                .map(renewed -> renewed.rowCount() == 1));
    }

    /**
     * sealed → ready, or pending/sealed → failed (its chunks removed), and the base's state as of that same
     * commit. Finishers of one base are serialised by a transaction-scoped advisory lock, so exactly one of
     * them sees the base with nothing left in progress.
     *
     * @return empty when the document is gone or another worker already finished it
     */
    public Uni<Optional<Finished>> finish(UUID documentId, UUID knowledgeBaseId, KnowledgeDocumentStatus outcome,
            String error) {
        return pool.withTransaction(connection -> lockBase(connection, knowledgeBaseId)
                .chain(() -> outcome == KnowledgeDocumentStatus.READY
                        ? connection.preparedQuery("UPDATE knowledge.document_states s SET status = 'ready',"
                                        + " finished_at = now(), lease_until = NULL WHERE document_id = $1"
                                        + " AND status = 'sealed' AND " + LIVE + " RETURNING chunk_count")
                                .execute(Tuple.of(documentId))
                        : connection.preparedQuery("DELETE FROM knowledge.chunks WHERE document_id = $1").execute(Tuple.of(documentId))
                                .chain(() -> connection.preparedQuery("INSERT INTO knowledge.document_states AS s"
                                                + " (document_id, knowledge_base_id, status, error, finished_at)"
                                                + " SELECT id, knowledge_base_id, 'failed', $2, now()"
                                                + " FROM gateway.knowledge_documents WHERE id = $1"
                                                + " ON CONFLICT (document_id) DO UPDATE SET status = 'failed', chunk_count = 0,"
                                                + " error = excluded.error, finished_at = now(), lease_until = NULL"
                                                + " WHERE s.status IN ('pending', 'sealed') RETURNING chunk_count")
                                        .execute(Tuple.of(documentId, error))))
                .chain(updated -> {
                    if (updated.rowCount() == 0) {
                        return Uni.createFrom().item(Optional.<Finished>empty());
                    }
                    int chunkCount = updated.iterator().next().getInteger("chunk_count");
                    return baseState(connection, knowledgeBaseId)
                            .map(base -> Optional.of(new Finished(chunkCount, base.orElseThrow())));
                }));
    }

    /** The base's state, read under the same lock finishers take (empty when the base is gone). */
    public Uni<Optional<BaseState>> lockedBaseState(UUID knowledgeBaseId) {
        return pool.withTransaction(connection -> lockBase(connection, knowledgeBaseId)
                .chain(() -> baseState(connection, knowledgeBaseId)));
    }

    public Uni<Void> markNotified(UUID documentId) {
        return pool.preparedQuery("UPDATE knowledge.document_states SET notified_at = now()"
                        + " WHERE document_id = $1 AND notified_at IS NULL")
                .execute(Tuple.of(documentId))
                .replaceWithVoid();
    }

    /** Documents the sweeper must take up: unfinished with no live claim, or finished with the notice owed. */
    public Uni<List<Unsettled>> unsettled(Duration olderThan, int limit) {
        return pool.preparedQuery("SELECT id, knowledge_base_id FROM knowledge.documents"
                        + " WHERE (status IN ('pending', 'sealed') OR notified_at IS NULL)"
                        + " AND created_at < now() - $1::text::interval AND (lease_until IS NULL OR lease_until < now())"
                        + " ORDER BY created_at LIMIT $2")
                .execute(Tuple.of(olderThan.toSeconds() + " seconds", limit))
                .map(rows -> {
                    List<Unsettled> found = new ArrayList<>();
                    rows.forEach(row -> found.add(new Unsettled(row.getUUID("id"), row.getUUID("knowledge_base_id"))));
                    return found;
                });
    }

    /** Removes the state and chunks of a document the gateway deleted; nothing when it still exists. */
    public Uni<Void> forget(UUID documentId) {
        return pool.withTransaction(connection -> removeDeleted(connection, "s.document_id = $1", Tuple.of(documentId)))
                .replaceWithVoid();
    }

    /**
     * Removes the state and chunks of up to {@code limit} documents the gateway deleted (each on its own or with
     * its knowledge base), for the sweeper.
     *
     * @return how many deleted documents it cleared up
     */
    public Uni<Integer> forgetDeleted(int limit) {
        return pool.withTransaction(connection -> removeDeleted(connection,
                "s.document_id IN (SELECT s.document_id FROM knowledge.document_states s WHERE NOT " + LIVE + " LIMIT $1)",
                Tuple.of(limit)));
    }

    private static Uni<Integer> removeDeleted(SqlConnection connection, String which, Tuple arguments) {
        // A document's chunks are stored only with its state row (seal), so the removed states name every chunk
        // to remove.
        return connection.preparedQuery("DELETE FROM knowledge.document_states s WHERE " + which + " AND NOT " + LIVE
                        + " RETURNING document_id")
                .execute(arguments)
                .chain(removed -> {
                    List<UUID> ids = new ArrayList<>(removed.size());
                    removed.forEach(row -> ids.add(row.getUUID("document_id")));
                    return ids.isEmpty() ? Uni.createFrom().item(0) : connection
                            .preparedQuery("DELETE FROM knowledge.chunks WHERE document_id = ANY($1)")
                            .execute(Tuple.of(ids.toArray(UUID[]::new)))
                            .replaceWith(ids.size());
                });
    }

    private static Uni<Void> lockBase(SqlConnection connection, UUID knowledgeBaseId) {
        return connection.preparedQuery("SELECT pg_advisory_xact_lock($1)")
                .execute(Tuple.of(knowledgeBaseId.getMostSignificantBits() ^ knowledgeBaseId.getLeastSignificantBits()))
                .replaceWithVoid();
    }

    private static Uni<Optional<BaseState>> baseState(SqlConnection connection, UUID knowledgeBaseId) {
        // The counts' one definition, shared with api-gateway's GET endpoints (migration gateway/V14_2).
        return connection.preparedQuery("SELECT b.tenant_id, c.document_count AS documents, c.in_progress, c.failed,"
                        + " c.chunk_count AS chunks"
                        + " FROM gateway.knowledge_bases b CROSS JOIN LATERAL gateway.knowledge_base_counts(b.id) c"
                        + " WHERE b.id = $1")
                .execute(Tuple.of(knowledgeBaseId))
                .map(rows -> first(rows).map(row -> new BaseState(row.getUUID("tenant_id"),
                        KnowledgeBaseStatus.of(row.getLong("in_progress"), row.getLong("failed"), row.getLong("documents")),
                        row.getLong("documents").intValue(), row.getLong("chunks").intValue())));
    }

    private static Optional<Row> first(RowSet<Row> rows) {
        var iterator = rows.iterator();
        return iterator.hasNext() ? Optional.of(iterator.next()) : Optional.empty();
    }

    public record DocumentWork(UUID id, UUID tenantId, UUID knowledgeBaseId, String mimeType,
            KnowledgeDocumentStatus status, int chunkCount, String error, boolean notified, int chunkMaxTokens,
            int chunkOverlapTokens, Model model) {
    }

    public record PendingChunk(int position, String content) {
    }

    public record BaseState(UUID tenantId, KnowledgeBaseStatus status, int documentCount, int chunkCount) {
    }

    public record Finished(int chunkCount, BaseState base) {
    }

    public record Unsettled(UUID documentId, UUID knowledgeBaseId) {
    }
}
