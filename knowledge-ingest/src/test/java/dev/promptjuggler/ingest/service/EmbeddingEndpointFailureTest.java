package dev.promptjuggler.ingest.service;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.promptjuggler.contracts.knowledge.KnowledgeDocumentUploaded;
import dev.promptjuggler.ingest.support.FlakyEmbeddings;
import dev.promptjuggler.ingest.support.Metrics;
import dev.promptjuggler.ingest.support.TestDocuments;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * A base on an OpenAI-compatible embeddings endpoint: an endpoint that is busy for a moment (503) is tried
 * again and the document gets ready; only a refusal (400) fails it. (The endpoint is the service's for every
 * test of this module: the in-process model's native tokenizer loads once per JVM, so the module's tests share
 * one application and one configuration.)
 */
@QuarkusTest
@QuarkusTestResource(FlakyEmbeddings.class)
class EmbeddingEndpointFailureTest {

    private static final Duration PROCESSING = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();

    @Inject
    Pool pool;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void aBusyEndpointIsTriedAgainWhileARefusalFailsTheDocument() throws Exception {
        double refusedBefore = Metrics.sample("ingest_documents_abandoned_total", "reason", "embedding_refused");
        UUID tenant = UUID.randomUUID();
        sql("INSERT INTO gateway.tenants (id, name) VALUES ($1, 'ingest embeddings test')", Tuple.of(tenant));
        UUID busyBase = base(tenant, "kb_busy", FlakyEmbeddings.BUSY_ONCE);
        UUID refusingBase = base(tenant, "kb_refusing", FlakyEmbeddings.REFUSED);
        UUID busy = document(tenant, busyBase, "Refunds are paid within 14 days.");
        UUID refused = document(tenant, refusingBase, "Parcels ship every weekday.");

        await().atMost(PROCESSING).until(() -> !"pending".equals(status(busy)) && !"sealed".equals(status(busy))
                && !"pending".equals(status(refused)) && !"sealed".equals(status(refused)));

        Row ready = one("SELECT status, error FROM knowledge.documents WHERE id = $1", busy);
        assertEquals("ready", ready.getString("status"), ready.getString("error"));
        assertNull(ready.getString("error"));
        assertTrue(FlakyEmbeddings.busyOnceRequests() >= 2, "the 503 was followed by another request");
        Row failed = one("SELECT status, error FROM knowledge.documents WHERE id = $1", refused);
        assertEquals("failed", failed.getString("status"));
        assertEquals("embedding failed: embeddings endpoint answered 400", failed.getString("error"));
        assertEquals(refusedBefore + 1, Metrics.sample("ingest_documents_abandoned_total", "reason", "embedding_refused"));
    }

    private UUID base(UUID tenant, String slug, String model) {
        UUID id = UUID.randomUUID();
        sql("INSERT INTO gateway.knowledge_bases (id, tenant_id, name, slug, chunk_max_tokens, chunk_overlap_tokens,"
                + " embedding_provider, embedding_model, embedding_dimensions) VALUES ($1, $2, $3, $3, 60, 10, 'openai', $4, $5)",
                Tuple.of(id, tenant, slug, model, FlakyEmbeddings.DIMENSIONS));
        return id;
    }

    /** Stored and announced as api-gateway does. */
    private UUID document(UUID tenant, UUID base, String text) throws Exception {
        UUID id = UUID.randomUUID();
        byte[] content = TestDocuments.utf8(text);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        sql("INSERT INTO gateway.knowledge_documents (id, tenant_id, knowledge_base_id, file_name, mime_type, bytes,"
                + " content_sha256, content) VALUES ($1, $2, $3, 'note.txt', 'text/plain', $4, $5, $6)",
                Tuple.from(List.of(id, tenant, base, (long) content.length, sha, io.vertx.core.buffer.Buffer.buffer(content))));
        try (var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", bootstrap),
                new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>("knowledge.uploaded", base.toString(),
                    JSON.writeValueAsString(new KnowledgeDocumentUploaded(id, base, tenant, Instant.now())))).get();
        }
        return id;
    }

    private String status(UUID id) {
        return one("SELECT status FROM knowledge.documents WHERE id = $1", id).getString("status");
    }

    private Row one(String query, UUID id) {
        return pool.preparedQuery(query).execute(Tuple.of(id)).await().atMost(Duration.ofSeconds(10)).iterator().next();
    }

    private void sql(String statement, Tuple arguments) {
        pool.preparedQuery(statement).execute(arguments).await().atMost(Duration.ofSeconds(10));
    }
}
