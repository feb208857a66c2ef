package dev.promptjuggler.ingest.service;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.context.Context;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Metadata-filtered search and URL documents, against the real database. The test plays api-gateway's part (the
 * base and document rows, as it writes them) and takes each document up as a knowledge.uploaded event would.
 */
@QuarkusTest
class MetadataAndUrlDocumentsTest {

    private static final Duration PROCESSING = Duration.ofSeconds(90);

    @Inject
    Pool pool;

    @Inject
    DocumentProcessor processor;

    private UUID tenant;
    private UUID base;
    private HttpServer pages;

    @BeforeEach
    void tenantWithBaseAndPages() throws IOException {
        tenant = UUID.randomUUID();
        base = UUID.randomUUID();
        sql("INSERT INTO gateway.tenants (id, name) VALUES ($1, 'metadata test')", Tuple.of(tenant));
        sql("INSERT INTO gateway.knowledge_bases (id, tenant_id, name, slug, chunk_max_tokens, chunk_overlap_tokens,"
                + " embedding_provider, embedding_model, embedding_dimensions)"
                + " VALUES ($1, $2, 'Handbook', 'kb_handbook', 60, 10, 'local', 'all-MiniLM-L6-v2-q', 384)",
                Tuple.of(base, tenant));
        pages = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        pages.createContext("/shipping.html", exchange -> {
            byte[] body = ("<html><head><title>Shipping</title><script>var tracking = 1;</script></head><body>"
                    + "<h1>Shipping</h1><p>Parcels leave our warehouse every weekday at noon.</p></body></html>")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        pages.createContext("/missing", exchange -> {
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
        });
        pages.start();
    }

    @AfterEach
    void stopPages() {
        pages.stop(0);
    }

    @Test
    void chunksCarryTheirDocumentsMetadataAndSearchKeepsOnlyWhatTheFilterAccepts() throws Exception {
        UUID sales = ready("sales.txt", "text/plain", "Refunds are paid within 14 days of receiving the item.",
                new JsonObject().put("team", "sales").put("year", 2024));
        UUID support = ready("support.txt", "text/plain", "Refunds for damaged items are paid at once, no return needed.",
                new JsonObject().put("team", "support").put("year", 2023));

        assertEquals(new JsonObject().put("team", "sales").put("year", 2024),
                one("SELECT metadata FROM knowledge.chunks WHERE document_id = $1 LIMIT 1", sales).getValue("metadata"));

        search(Map.of("team", "sales")).body("results.documentId", everyItem(equalTo(sales.toString())))
                .body("results", not(empty()));
        search(Map.of("year", Map.of("in", List.of(2023, 2022)))).body("results.documentId",
                everyItem(equalTo(support.toString()))).body("results", not(empty()));
        search(Map.of("team", Map.of("in", List.of("sales", "support")), "year", Map.of("eq", 2024)))
                .body("results.documentId", everyItem(equalTo(sales.toString()))).body("results", not(empty()));
        search(Map.of("team", "legal")).body("results", empty());
        // Unfiltered, both documents answer.
        given().contentType(ContentType.JSON)
                .body(Map.of("tenantId", tenant, "query", "when are refunds paid?", "topK", 10))
                .post("/internal/v1/knowledge-bases/{id}/search", base)
                .then().statusCode(200).body("results.documentId", hasItems(sales.toString(),
                        support.toString()));
    }

    @Test
    void aMalformedFilterIsA400NamingIt() {
        badFilter(List.of("sales"), "filter must be an object");
        badFilter(Map.of("team", List.of("sales")), "filter.team must be a string, a number or a boolean");
        badFilter(Map.of("year", Map.of("in", List.of())), "filter.year.in must be an array of 1 to 100 values");
        badFilter(Map.of("year", Map.of("between", List.of(1, 2))), "filter.year must be a value or");
        badFilter(Map.of("team", Map.of("in", List.of("a", Map.of()))), "filter.team.in[1] must be a string");
    }

    @Test
    void aUrlDocumentIsFetchedOnceAndParsedAsItsPagesType() throws Exception {
        String url = "http://127.0.0.1:" + pages.getAddress().getPort() + "/shipping.html";
        UUID page = ready(url, "text/uri-list", url, new JsonObject().put("source", "web"));

        List<Row> chunks = chunks(page);
        String text = chunks.get(0).getString("content");
        assertTrue(text.contains("every weekday at noon") && !text.contains("tracking"), text);
        assertEquals("Shipping", chunks.get(0).getArrayOfStrings("heading_path")[0]);
        search(Map.of("source", "web")).body("results[0].documentId", equalTo(page.toString()))
                .body("results[0].content", containsString("weekday"));
    }

    @Test
    void aUrlThatCannotBeFetchedFailsTheDocumentWithTheReason() throws Exception {
        String missing = "http://127.0.0.1:" + pages.getAddress().getPort() + "/missing";
        assertEquals("fetching " + missing + " answered HTTP 404", failed(missing));
        // Not allow-listed (the tests allow loopback only): refused before anything is connected to.
        String metadata = "http://169.254.169.254/latest/meta-data/";
        assertEquals("fetching " + metadata + " refused: 169.254.169.254 is not a public address",
                failed(metadata));
        assertEquals("not an http(s) URL: ftp://example.com/file.txt", failed("ftp://example.com/file.txt"));
    }

    private String failed(String url) throws Exception {
        UUID id = insertDocument(url, "text/uri-list", url, new JsonObject());
        processor.process(id, base, Context.root()).await().atMost(PROCESSING);
        Row state = one("SELECT status, error FROM knowledge.documents WHERE id = $1", id);
        assertEquals("failed", state.getString("status"), url);
        assertEquals(0L, one("SELECT count(*) FROM knowledge.chunks WHERE document_id = $1", id).getLong(0));
        return state.getString("error");
    }

    private io.restassured.response.ValidatableResponse search(Object filter) {
        return given().contentType(ContentType.JSON)
                .body(Map.of("tenantId", tenant, "query", "when are refunds paid?", "topK", 10, "filter", filter))
                .post("/internal/v1/knowledge-bases/{id}/search", base)
                .then().statusCode(200);
    }

    private void badFilter(Object filter, String error) {
        given().contentType(ContentType.JSON)
                .body(Map.of("tenantId", tenant, "query", "refunds", "filter", filter))
                .post("/internal/v1/knowledge-bases/{id}/search", base)
                .then().statusCode(400).body("error", containsString(error));
    }

    private UUID ready(String name, String mimeType, String content, JsonObject metadata) throws Exception {
        UUID id = insertDocument(name, mimeType, content, metadata);
        processor.process(id, base, Context.root()).await().atMost(PROCESSING);
        Row state = one("SELECT status, error FROM knowledge.documents WHERE id = $1", id);
        assertEquals("ready", state.getString("status"), "document " + name + ": " + state.getString("error"));
        return id;
    }

    private UUID insertDocument(String name, String mimeType, String text, JsonObject metadata) throws Exception {
        UUID id = UUID.randomUUID();
        byte[] content = text.getBytes(StandardCharsets.UTF_8);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        sql("INSERT INTO gateway.knowledge_documents (id, tenant_id, knowledge_base_id, file_name, mime_type, bytes,"
                + " content_sha256, content, metadata) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::text::jsonb)",
                Tuple.from(List.of(id, tenant, base, name, mimeType, (long) content.length, sha,
                        io.vertx.core.buffer.Buffer.buffer(content), metadata.encode())));
        return id;
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
