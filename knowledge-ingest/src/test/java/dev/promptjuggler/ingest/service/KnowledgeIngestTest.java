package dev.promptjuggler.ingest.service;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.promptjuggler.contracts.knowledge.KnowledgeDocumentUploaded;
import dev.promptjuggler.ingest.chunking.Chunk;
import dev.promptjuggler.ingest.persistence.DocumentStore;
import dev.promptjuggler.ingest.config.IngestConfig;
import dev.promptjuggler.ingest.support.Metrics;
import io.opentelemetry.context.Context;
import dev.promptjuggler.ingest.support.TestDocuments;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Documents travel knowledge.uploaded → chunks in pgvector → knowledge.finished, against the real broker and
 * database. The test plays api-gateway's part: it writes the base and document rows as the gateway does.
 */
@QuarkusTest
class KnowledgeIngestTest {

    private static final Duration PROCESSING = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();
    private static final String ABANDONED = "ingest_documents_abandoned_total";

    @Inject
    Pool pool;

    @Inject
    DocumentProcessor processor;

    @Inject
    DocumentStore documents;

    @Inject
    IngestConfig config;

    @Inject
    Sweeper sweeper;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    private UUID tenant;
    private UUID base;
    private KafkaConsumer<String, String> finished;

    @BeforeEach
    void tenantWithBase() {
        tenant = UUID.randomUUID();
        base = UUID.randomUUID();
        sql("INSERT INTO gateway.tenants (id, name) VALUES ($1, 'ingest test')", Tuple.of(tenant));
        sql("INSERT INTO gateway.knowledge_bases (id, tenant_id, name, slug, chunk_max_tokens, chunk_overlap_tokens,"
                + " embedding_provider, embedding_model, embedding_dimensions)"
                + " VALUES ($1, $2, 'Handbook', 'kb_handbook', 60, 10, 'local', 'all-MiniLM-L6-v2-q', 384)",
                Tuple.of(base, tenant));
        finished = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), new StringDeserializer());
        List<TopicPartition> partitions = finished.partitionsFor("knowledge.finished").stream()
                .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
        finished.assign(partitions);
        finished.seekToEnd(partitions);
        partitions.forEach(finished::position);
    }

    @AfterEach
    void close() {
        finished.close();
    }

    @Test
    void everyTypeBecomesReadyWithStructuredChunksAndTheRightEvents() throws Exception {
        UUID pdf = insertDocument("manual.pdf", "application/pdf", TestDocuments.pdf(
                "Installation. Mount the bracket on a dry wall and connect the power cable.",
                "Troubleshooting. If the display stays dark, hold the reset button for ten seconds."));
        UUID docx = insertDocument("policy.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                TestDocuments.docx("Refund policy", "Refunds are paid within 14 days of receiving the returned item.",
                        new String[][] {{"Plan", "Price"}, {"Basic", "9 EUR"}, {"Pro", "29 EUR"}}));
        UUID html = insertDocument("faq.html", "text/html", TestDocuments.utf8("<html><head><title>FAQ</title>"
                + "<script>var x = 1;</script></head><body><h1>Shipping</h1><p>Parcels leave our warehouse"
                + " every weekday.</p><table><tr><th>Zone</th><th>Days</th></tr><tr><td>EU</td><td>3</td></tr>"
                + "</table></body></html>"));
        UUID md = insertDocument("guide.md", "text/markdown", TestDocuments.utf8("# Guide\n\n## Passwords\n\nReset your"
                + " password from the login page.\n\n| Key | Action |\n|---|---|\n| F1 | Help |\n"));
        UUID csv = insertDocument("prices.csv", "text/csv", TestDocuments.utf8("product,price\nkettle,25\ntoaster,40\n"));
        UUID tsv = insertDocument("stock.tsv", "text/tab-separated-values", TestDocuments.utf8("item\tcount\nmug\t12\n"));
        UUID txt = insertDocument("notes.txt", "text/plain", TestDocuments.utf8("The office cat is called Pixel.\n\n"
                + "She sleeps on the warm printer every afternoon."));
        List<UUID> all = List.of(pdf, docx, html, md, csv, tsv, txt);
        // Stored together and then announced, as one upload of seven files: the base is never idle in
        // between, so exactly one base event follows the seven document events.
        for (UUID id : all) {
            announce(id);
        }

        await().atMost(PROCESSING).until(() -> all.stream().allMatch(id -> "ready".equals(status(id))));

        List<Row> pdfChunks = chunks(pdf);
        assertEquals(List.of(1, 2), pdfChunks.stream().map(row -> row.getInteger("page")).toList(), "PDF pages");
        assertTrue(pdfChunks.get(1).getString("content").contains("reset button"));
        List<Row> docxChunks = chunks(docx);
        assertEquals("Refund policy", docxChunks.get(0).getArrayOfStrings("heading_path")[0]);
        assertTrue(docxChunks.get(0).getString("content").contains("Pro | 29 EUR"), docxChunks.get(0).getString("content"));
        String htmlText = chunks(html).get(0).getString("content");
        assertTrue(htmlText.contains("EU | 3") && !htmlText.contains("var x"), htmlText);
        assertEquals(List.of("Guide", "Passwords"), List.of(chunks(md).get(1).getArrayOfStrings("heading_path")));
        assertTrue(chunks(csv).get(0).getString("content").contains("product: toaster; price: 40"));
        assertTrue(chunks(tsv).get(0).getString("content").contains("item: mug; count: 12"));
        for (UUID id : all) {
            for (Row chunk : chunks(id)) {
                assertTrue(chunk.getInteger("token_count") > 0 && chunk.getInteger("token_count") <= 60);
                assertEquals(384, chunk.getInteger("dimensions"));
            }
        }

        List<JsonNode> events = events(all.size() + 1);
        for (UUID id : all) {
            JsonNode event = events.stream().filter(e -> id.toString().equals(e.path("documentId").asText())).findFirst()
                    .orElseThrow(() -> new AssertionError("no knowledgedocument.finished for " + id));
            assertEquals("ready", event.get("status").asText());
            assertEquals(chunks(id).size(), event.get("chunkCount").asInt());
        }
        JsonNode baseEvent = events.stream().filter(e -> e.has("documentCount")).reduce((a, b) -> b).orElseThrow();
        assertEquals("ready", baseEvent.get("status").asText());
        assertEquals(7, baseEvent.get("documentCount").asInt());
        assertEquals(chunkCount(), baseEvent.get("chunkCount").asInt());

        given().contentType(ContentType.JSON)
                .body(Map.of("tenantId", tenant, "query", "how many days until I get my money back?", "topK", 3))
                .post("/internal/v1/knowledge-bases/{id}/search", base)
                .then().statusCode(200)
                .body("results[0].fileName", equalTo("policy.docx"))
                .body("results[0].headingPath[0]", equalTo("Refund policy"));
        given().contentType(ContentType.JSON)
                .body(Map.of("tenantId", tenant, "query", "display is dark", "topK", 1, "documentIds", List.of(pdf)))
                .post("/internal/v1/knowledge-bases/{id}/search", base)
                .then().statusCode(200).body("results[0].page", equalTo(2));
        given().contentType(ContentType.JSON)
                .body(Map.of("tenantId", UUID.randomUUID(), "query", "refunds"))
                .post("/internal/v1/knowledge-bases/{id}/search", base)
                .then().statusCode(404).body("error", equalTo("knowledge base " + base + " not found"));
    }

    @Test
    void unreadableContentFailsTheDocumentWithAReasonAndFailsAnAllFailedBase() throws Exception {
        double before = Metrics.sample(ABANDONED, "reason", "unreadable");
        UUID broken = upload("broken.pdf", "application/pdf", TestDocuments.utf8("%PDF-1.7 this is no PDF at all"));

        await().atMost(PROCESSING).until(() -> "failed".equals(status(broken)));
        assertTrue(one("SELECT error FROM knowledge.documents WHERE id = $1", broken).getString("error")
                .startsWith("unreadable PDF"));
        List<JsonNode> events = events(2);
        assertEquals("failed", events.get(0).get("status").asText());
        assertEquals(0, events.get(0).get("chunkCount").asInt());
        assertEquals("failed", events.get(1).get("status").asText());
        assertEquals(1, events.get(1).get("documentCount").asInt());
        assertEquals(before + 1, Metrics.sample(ABANDONED, "reason", "unreadable"));
    }

    @Test
    void aDocumentClaimedMoreThanMaxClaimsTimesEndsFailedWithItsNoticesInsteadOfBeingTakenUpAgain() throws Exception {
        UUID id = insertDocument("kills-its-worker.txt", "text/plain", TestDocuments.utf8(longText()));
        // Claimed max-claims times by instances that died on it; the last lease has expired as well.
        claimedBefore(id, config.processing().maxClaims(), "- interval '1 minute'");
        double before = Metrics.sample(ABANDONED, "reason", "max_claims");

        // What the sweeper (or a redelivered event) does with it.
        processor.process(id, base, Context.root()).await().atMost(PROCESSING);

        Row document = one("SELECT status, error, claims, chunk_count FROM knowledge.documents WHERE id = $1", id);
        assertEquals("failed", document.getString("status"));
        assertTrue(document.getString("error").startsWith("abandoned after " + config.processing().maxClaims() + " claims"),
                document.getString("error"));
        assertEquals(config.processing().maxClaims() + 1, document.getInteger("claims"));
        assertEquals(0, document.getInteger("chunk_count"));
        assertEquals(List.of(), chunks(id), "it was not parsed again");
        List<JsonNode> events = events(2);
        assertEquals(id.toString(), events.get(0).get("documentId").asText());
        assertEquals("failed", events.get(0).get("status").asText());
        assertTrue(events.get(0).get("error").asText().startsWith("abandoned after"));
        assertEquals("failed", events.get(1).get("status").asText(), "the base's only document failed");
        assertEquals(before + 1, Metrics.sample(ABANDONED, "reason", "max_claims"));
    }

    @Test
    void aClaimCountsWhenItTakesTheDocumentOverNotWhenItRenewsALiveLease() throws Exception {
        int max = config.processing().maxClaims();
        UUID lastClaim = insertDocument("last-claim.txt", "text/plain", TestDocuments.utf8(longText()));
        claimedBefore(lastClaim, max - 1, "- interval '1 minute'");
        // In work under a live lease (a retry within the same handling): renewing it is not a claim.
        UUID leased = insertDocument("leased.txt", "text/plain", TestDocuments.utf8("The warranty lasts two years."));
        claimedBefore(leased, max, "+ interval '1 minute'");

        processor.process(lastClaim, base, Context.root()).await().atMost(PROCESSING);
        processor.process(leased, base, Context.root()).await().atMost(PROCESSING);

        assertEquals("ready", status(lastClaim));
        assertEquals(max, one("SELECT claims FROM knowledge.documents WHERE id = $1", lastClaim).getInteger(0));
        assertEquals("ready", status(leased));
        assertEquals(max, one("SELECT claims FROM knowledge.documents WHERE id = $1", leased).getInteger(0));
    }

    @Test
    void aDocumentResumesFromSealedAfterACrashWithoutDuplicateChunks() throws Exception {
        UUID id = insertDocument("long.txt", "text/plain", TestDocuments.utf8(longText()));
        List<Chunk> sealed = List.of(
                new Chunk(0, "Refunds are paid within 14 days.", null, List.of(), 9),
                new Chunk(1, "The warranty lasts two years.", null, List.of(), 7),
                new Chunk(2, "Parcels ship every weekday.", null, List.of(), 5));
        // The state a crash leaves: sealed with its chunks, one of them already embedded.
        assertTrue(documents.seal(id, base, sealed).await().atMost(Duration.ofSeconds(10)));
        sql("UPDATE knowledge.chunks SET embedding = array_fill(0.05, ARRAY[384])::vector, dimensions = 384"
                + " WHERE document_id = $1 AND position = 0", Tuple.of(id));

        processor.process(id, base, Context.root()).await().atMost(PROCESSING);

        assertEquals("ready", status(id));
        List<Row> chunks = chunks(id);
        assertEquals(List.of(0, 1, 2), chunks.stream().map(row -> row.getInteger("position")).toList());
        assertEquals(0, one("SELECT count(*) FROM knowledge.chunks WHERE document_id = $1 AND embedding IS NULL", id)
                .getLong(0));
        assertEquals(3, events(2).get(0).get("chunkCount").asInt());

        // Redelivered after it finished: nothing changes, no chunk is added.
        processor.process(id, base, Context.root()).await().atMost(PROCESSING);
        assertEquals(3, chunks(id).size());
    }

    @Test
    void aDocumentDeletedWhileProcessedLeavesNoChunksAndNeverReappears() throws Exception {
        UUID id = insertDocument("gone.txt", "text/plain", TestDocuments.utf8(longText()));
        assertTrue(documents.seal(id, base, List.of(new Chunk(0, "soon deleted", null, List.of(), 2)))
                .await().atMost(Duration.ofSeconds(10)));

        sql("DELETE FROM gateway.knowledge_documents WHERE id = $1", Tuple.of(id));
        // The gateway's delete leaves knowledge-ingest's rows to it: processing the deleted document removes them.
        processor.process(id, base, Context.root()).await().atMost(PROCESSING);
        assertEquals(0, one("SELECT count(*) FROM knowledge.chunks WHERE document_id = $1", id).getLong(0));

        assertEquals(0, one("SELECT count(*) FROM gateway.knowledge_documents WHERE id = $1", id).getLong(0));
        assertEquals(0, one("SELECT count(*) FROM knowledge.chunks WHERE document_id = $1", id).getLong(0));
        assertFalse(documents.seal(id, base, List.of(new Chunk(0, "late", null, List.of(), 1)))
                .await().atMost(Duration.ofSeconds(10)), "a deleted document cannot be sealed again");
        JsonNode baseEvent = events(1).get(0);
        assertEquals(0, baseEvent.get("documentCount").asInt(), "the base is finished and empty");
    }

    @Test
    void aDeletedDocumentLeavesSearchAtOnceAndTheSweeperRemovesItsChunksAsWithADeletedBase() throws Exception {
        UUID kept = upload("warranty.txt", "text/plain", TestDocuments.utf8("The warranty lasts two years."));
        UUID deleted = upload("cat.txt", "text/plain", TestDocuments.utf8("The office cat is called Pixel."));
        await().atMost(PROCESSING).until(() -> "ready".equals(status(kept)) && "ready".equals(status(deleted)));
        Map<String, Object> catQuestion = Map.of("tenantId", tenant, "query", "what is the office cat called?", "topK", 5);
        given().contentType(ContentType.JSON).body(catQuestion).post("/internal/v1/knowledge-bases/{id}/search", base)
                .then().statusCode(200).body("results[0].documentId", equalTo(deleted.toString()));

        // What the gateway's DELETE does: its own row only. The chunks are still stored, but out of search and counts.
        sql("DELETE FROM gateway.knowledge_documents WHERE id = $1", Tuple.of(deleted));
        assertTrue(chunks(deleted).size() > 0, "not removed yet: search has to leave them out by itself");
        List<String> found = given().contentType(ContentType.JSON).body(catQuestion)
                .post("/internal/v1/knowledge-bases/{id}/search", base)
                .then().statusCode(200).extract().jsonPath().getList("results.documentId", String.class);
        assertEquals(List.of(kept.toString()), found);
        Row counts = one("SELECT * FROM gateway.knowledge_base_counts($1)", base);
        assertEquals(1, counts.getLong("document_count"));
        assertEquals(chunks(kept).size(), counts.getLong("chunk_count"));

        sweeper.sweep().await().atMost(PROCESSING);
        assertEquals(List.of(), chunks(deleted));
        assertEquals(0, one("SELECT count(*) FROM knowledge.document_states WHERE document_id = $1", deleted).getLong(0));
        assertEquals(1, chunks(kept).size(), "the live document keeps its chunk");

        // Deleting the base (the gateway's row; its documents go with it in the gateway's schema): the same clean-up.
        sql("DELETE FROM gateway.knowledge_bases WHERE id = $1", Tuple.of(base));
        given().contentType(ContentType.JSON).body(Map.of("tenantId", tenant, "query", "warranty"))
                .post("/internal/v1/knowledge-bases/{id}/search", base)
                .then().statusCode(404);
        sweeper.sweep().await().atMost(PROCESSING);
        assertEquals(0, chunkCount());
        assertEquals(0, one("SELECT count(*) FROM knowledge.document_states WHERE knowledge_base_id = $1", base)
                .getLong(0));
    }

    private UUID upload(String name, String mimeType, byte[] content) throws Exception {
        UUID id = insertDocument(name, mimeType, content);
        announce(id);
        return id;
    }

    private void announce(UUID id) throws Exception {
        try (var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", bootstrap),
                new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>("knowledge.uploaded", base.toString(),
                    JSON.writeValueAsString(new KnowledgeDocumentUploaded(id, base, tenant, Instant.now())))).get();
        }
    }

    private UUID insertDocument(String name, String mimeType, byte[] content) throws Exception {
        UUID id = UUID.randomUUID();
        String sha = HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(content));
        sql("INSERT INTO gateway.knowledge_documents (id, tenant_id, knowledge_base_id, file_name, mime_type, bytes,"
                + " content_sha256, content) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                Tuple.from(List.of(id, tenant, base, name, mimeType, (long) content.length, sha, io.vertx.core.buffer.Buffer.buffer(content))));
        return id;
    }

    /** The state earlier instances left: {@code claims} taken, the last lease ending at now() {@code leaseFromNow}. */
    private void claimedBefore(UUID id, int claims, String leaseFromNow) {
        sql("INSERT INTO knowledge.document_states (document_id, knowledge_base_id, claims, lease_until)"
                + " VALUES ($1, $2, $3, now() " + leaseFromNow + ")", Tuple.of(id, base, claims));
    }

    /** The next {@code count} events of this test's base on knowledge.finished, in publication order. */
    private List<JsonNode> events(int count) throws Exception {
        List<JsonNode> found = new ArrayList<>();
        Instant deadline = Instant.now().plus(PROCESSING);
        while (found.size() < count && Instant.now().isBefore(deadline)) {
            for (ConsumerRecord<String, String> record : finished.poll(Duration.ofMillis(200))) {
                if (base.toString().equals(record.key())) {
                    assertEquals("urn:promptjuggler:knowledge-ingest", header(record, "ce_source"));
                    found.add(JSON.readTree(record.value()));
                }
            }
        }
        assertEquals(count, found.size(), "events on knowledge.finished: " + found);
        return found;
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static String longText() {
        return "Refunds are paid within 14 days. The warranty lasts two years. Parcels ship every weekday.";
    }

    private String status(UUID id) {
        return one("SELECT status FROM knowledge.documents WHERE id = $1", id).getString("status");
    }

    private long chunkCount() {
        return one("SELECT count(*) FROM knowledge.chunks WHERE knowledge_base_id = $1", base).getLong(0);
    }

    private List<Row> chunks(UUID document) {
        List<Row> rows = new ArrayList<>();
        pool.preparedQuery("SELECT * FROM knowledge.chunks WHERE document_id = $1 ORDER BY position")
                .execute(Tuple.of(document)).await().atMost(Duration.ofSeconds(10)).forEach(rows::add);
        return rows;
    }

    private Row one(String query, UUID id) {
        return pool.preparedQuery(query).execute(Tuple.of(id)).await().atMost(Duration.ofSeconds(10)).iterator().next();
    }

    private void sql(String statement, Tuple arguments) {
        pool.preparedQuery(statement).execute(arguments).await().atMost(Duration.ofSeconds(10));
    }
}
