package dev.promptjuggler.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.promptjuggler.schema.testing.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Random;
import java.util.StringJoiner;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Chunks as knowledge-ingest stores them (a 384-dimension vector, a chunk's text, its document's metadata: a row over
 * the 2 kB at which PostgreSQL moves values out) keep their vectors in the row, where an exact scan reads them,
 * while the text may go to TOAST; the largest vector a base may have is still stored.
 */
class ChunkStorageTest {

    private static final Random RANDOM = new Random(7);

    @Test
    void aChunksVectorStaysInItsRowAndOnlyTheTextMayGoOutOfLine() throws SQLException {
        TestDatabase.migrate();
        try (Connection db = DriverManager.getConnection(TestDatabase.jdbcUrl(), TestDatabase.user(), TestDatabase.password())) {
            UUID document = document(db);
            long before = toastBytes(db);
            int rows = 100;
            for (int position = 0; position < rows; position++) {
                insertChunk(db, document, position, 384);
            }
            long added = toastBytes(db) - before;
            long vectorBytes = 4L * 384 + 8;
            assertTrue(added < rows * vectorBytes,
                    "the chunks added " + added + " bytes to TOAST: their vectors (" + rows * vectorBytes + " bytes) went out of the rows");
            assertEquals(String.valueOf(rows), scalar(db, "SELECT count(*) FROM knowledge.chunks WHERE document_id = '" + document
                    + "' AND embedding::vector(384) <=> embedding::vector(384) < 0.001"), "every stored vector reads back");

            insertChunk(db, document, rows, 2000);
            assertEquals("2000", scalar(db, "SELECT vector_dims(embedding) FROM knowledge.chunks WHERE document_id = '"
                    + document + "' AND position = " + rows), "the largest vector a base may have (2,000 dimensions, about a page) is still stored");
        }
    }

    private static UUID document(Connection db) throws SQLException {
        UUID tenant = UUID.randomUUID();
        UUID base = UUID.randomUUID();
        UUID document = UUID.randomUUID();
        update(db, "INSERT INTO gateway.tenants (id, name) VALUES ('" + tenant + "', 'chunk storage')");
        update(db, "INSERT INTO gateway.knowledge_bases (id, tenant_id, name, slug, chunk_max_tokens, chunk_overlap_tokens,"
                + " embedding_provider, embedding_model, embedding_dimensions) VALUES ('" + base + "', '" + tenant + "',"
                + " 'Storage', 'kb_storage', 120, 20, 'local', 'all-MiniLM-L6-v2', 384)");
        update(db, "INSERT INTO gateway.knowledge_documents (id, tenant_id, knowledge_base_id, file_name, mime_type, bytes,"
                + " content_sha256) VALUES ('" + document + "', '" + tenant + "', '" + base + "', 'a.txt', 'text/plain', 1, 'x')");
        return document;
    }

    private static void insertChunk(Connection db, UUID document, int position, int dimensions) throws SQLException {
        var vector = new StringJoiner(",", "[", "]");
        for (int i = 0; i < dimensions; i++) {
            vector.add(Float.toString(RANDOM.nextFloat() - 0.5f));
        }
        var text = new StringBuilder();
        while (text.length() < 600) {
            text.append(Long.toString(RANDOM.nextLong(), 36)).append(' ');
        }
        try (PreparedStatement insert = db.prepareStatement("INSERT INTO knowledge.chunks (document_id, knowledge_base_id,"
                + " position, content, token_count, embedding, dimensions, metadata) SELECT id, knowledge_base_id, ?, ?, 120,"
                + " ?::vector, ?, '{\"team\": \"sales\", \"region\": \"emea\", \"tenth\": 3}' FROM gateway.knowledge_documents"
                + " WHERE id = ?")) {
            insert.setInt(1, position);
            insert.setString(2, text.toString());
            insert.setString(3, vector.toString());
            insert.setInt(4, dimensions);
            insert.setObject(5, document);
            assertEquals(1, insert.executeUpdate());
        }
    }

    /** The size of the chunks' TOAST table (whole pages: the text of 100 chunks takes fewer than their vectors). */
    private static long toastBytes(Connection db) throws SQLException {
        return Long.parseLong(scalar(db, "SELECT pg_relation_size(reltoastrelid) FROM pg_class WHERE oid = 'knowledge.chunks'::regclass"));
    }

    private static String scalar(Connection db, String sql) throws SQLException {
        try (PreparedStatement statement = db.prepareStatement(sql); ResultSet rows = statement.executeQuery()) {
            rows.next();
            return rows.getString(1);
        }
    }

    private static void update(Connection db, String sql) throws SQLException {
        try (PreparedStatement statement = db.prepareStatement(sql)) {
            statement.executeUpdate();
        }
    }
}
