package dev.promptjuggler.gateway.api;

import static dev.promptjuggler.gateway.api.Api.as;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A knowledge document is two rows with one owner each: the gateway's upload (gateway.knowledge_documents) and
 * knowledge-ingest's processing state (knowledge.document_states). The gateway shows the state through the view
 * knowledge.documents and, deleting a document, writes only its own row. No knowledge-ingest runs here: the test
 * writes its state rows the way it does.
 */
@QuarkusTest
class KnowledgeDocumentStateTest {

    private static final String TEXT = "The office cat is called Pixel.";

    @Inject
    Pool pool;

    @Test
    void statusAndCountsAreKnowledgeIngestsStateAndADeleteLeavesItsRowsToIt() {
        String key = Api.newTenant();
        String slug = as(key).body(Map.of("name", "State KB " + UUID.randomUUID())).post("/manage/v1/knowledge-bases")
                .then().statusCode(201).extract().path("slug");
        String id = upload(key, slug, "cat.txt")
                .body("[0].status", equalTo("pending")).body("[0].chunkCount", equalTo(0))
                .extract().path("[0].id");
        UUID document = UUID.fromString(id);
        UUID base = UUID.fromString(as(key).get("/api/v1/knowledge-bases/{slug}", slug).then().statusCode(200)
                .body("status", equalTo("pending")).body("documentCount", equalTo(1))
                .extract().path("id"));
        assertEquals(0, count("SELECT count(*) FROM knowledge.document_states WHERE document_id = $1", document),
                "not taken up yet: pending without a state row");

        // What knowledge-ingest stores once the document is ready: its state row and the chunks.
        sql("INSERT INTO knowledge.document_states (document_id, knowledge_base_id, status, chunk_count, finished_at,"
                + " notified_at) VALUES ($1, $2, 'ready', 2, now(), now())", Tuple.of(document, base));
        for (int position = 0; position < 2; position++) {
            sql("INSERT INTO knowledge.chunks (document_id, knowledge_base_id, position, content, token_count)"
                    + " VALUES ($1, $2, $3, 'Pixel', 3)", Tuple.of(document, base, position));
        }

        as(key).get("/api/v1/knowledge-documents/{id}", id).then().statusCode(200)
                .body("status", equalTo("ready")).body("chunkCount", equalTo(2));
        as(key).get("/api/v1/knowledge-bases/{slug}", slug).then().statusCode(200)
                .body("status", equalTo("ready")).body("documentCount", equalTo(1)).body("chunkCount", equalTo(2))
                .body("documents[0].status", equalTo("ready"));
        as(key).get("/manage/v1/knowledge-bases/{slug}", slug).then().statusCode(200)
                .body("status", equalTo("ready")).body("chunkCount", equalTo(2));
        // The same content again is the same document, shown with its state.
        upload(key, slug, "copy-of-cat.txt")
                .body("[0].id", equalTo(id)).body("[0].status", equalTo("ready")).body("[0].chunkCount", equalTo(2));

        as(key).delete("/api/v1/knowledge-documents/{id}", id).then().statusCode(204);

        as(key).get("/api/v1/knowledge-documents/{id}", id).then().statusCode(404);
        as(key).get("/api/v1/knowledge-bases/{slug}", slug).then().statusCode(200)
                .body("status", equalTo("ready")).body("documentCount", equalTo(0)).body("chunkCount", equalTo(0));
        assertEquals(1, count("SELECT count(*) FROM knowledge.document_states WHERE document_id = $1", document),
                "knowledge-ingest's state is its own to remove");
        assertEquals(2, count("SELECT count(*) FROM knowledge.chunks WHERE document_id = $1", document),
                "knowledge-ingest's chunks are its own to remove");
    }

    private static io.restassured.response.ValidatableResponse upload(String key, String slug, String fileName) {
        return given().auth().oauth2(key)
                .multiPart("files[0]", fileName, TEXT.getBytes(StandardCharsets.UTF_8), "text/plain")
                .post("/api/v1/knowledge-bases/{slug}/documents", slug)
                .then().statusCode(200);
    }

    private long count(String query, UUID id) {
        return pool.preparedQuery(query).execute(Tuple.of(id)).await().atMost(Duration.ofSeconds(10))
                .iterator().next().getLong(0);
    }

    private void sql(String statement, Tuple arguments) {
        pool.preparedQuery(statement).execute(arguments).await().atMost(Duration.ofSeconds(10));
    }
}
