package dev.promptjuggler.gateway.api;

import static dev.promptjuggler.gateway.api.Api.as;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Promptly's datasources and entries (docs/promptly.md) over the knowledge bases, and the metadata, text and URL
 * documents of the PromptJuggler upload: what is stored for knowledge-ingest (which does not run here: processing and
 * search are its tests' and e2e's).
 */
@QuarkusTest
class PromptlyDatasourcesTest {

    @Inject
    Pool pool;

    /** Promptly's clients authenticate with {@code Authorization: Token <key>}. */
    static RequestSpecification promptly(String key) {
        return given().header("Authorization", "Token " + key).contentType(ContentType.JSON);
    }

    @Test
    void aDatasourceIsAKnowledgeBaseAndItsEntriesAreDocumentsWithTheirMetadata() {
        String key = Api.newTenant();
        String name = "Handbook " + UUID.randomUUID();
        String uuid = promptly(key).body(Map.of("name", name, "type", "pdf")).post("/api/datasources")
                .then().statusCode(201)
                .body("name", equalTo(name)).body("type", equalTo("pdf"))
                .body("created_at", notNullValue()).body("updated_at", notNullValue())
                .extract().path("uuid");
        promptly(key).get("/api/datasources").then().statusCode(200).body("uuid", hasItem(uuid));
        promptly(key).get("/api/datasources/{uuid}", uuid).then().statusCode(200).body("type", equalTo("pdf"));
        // The same base on the platform's own API.
        as(key).get("/manage/v1/knowledge-bases").then().body("find { it.id == '" + uuid + "' }.name", equalTo(name));

        String text = promptly(key).body(Map.of("entry_data", Map.of("name", "Refunds", "content", "Refunds take 14 days."),
                        "entry_metadata", Map.of("team", "sales", "year", 2024)))
                .post("/api/datasources/{uuid}/entries", uuid)
                .then().statusCode(201)
                .body("name", equalTo("Refunds")).body("datasource_uuid", equalTo(uuid))
                .body("status", equalTo("processing"))
                .body("metadata", equalTo(Map.of("source", "Refunds", "md_team", "sales", "md_year", 2024)))
                .extract().path("uuid");
        byte[] csv = "product,price\nkettle,25\n".getBytes(StandardCharsets.UTF_8);
        String file = promptly(key).body(Map.of("entry_data", Map.of("name", "prices.csv",
                        "file", Base64.getEncoder().encodeToString(csv))))
                .post("/api/datasources/{uuid}/entries", uuid)
                .then().statusCode(201).body("name", equalTo("prices.csv")).body("size", equalTo(csv.length))
                .extract().path("uuid");
        // LLMStack sends files as data URLs, the name inside.
        String dataUrl = promptly(key).body(Map.of("entry_data", Map.of("file", "data:text/markdown;name=guide.md;base64,"
                        + Base64.getEncoder().encodeToString("# Guide\n\nHello.".getBytes(StandardCharsets.UTF_8)))))
                .post("/api/datasources/{uuid}/entries", uuid)
                .then().statusCode(201).body("name", equalTo("guide.md")).extract().path("uuid");
        String page = promptly(key).body(Map.of("entry_data", Map.of("url", "https://example.com/shipping.html")))
                .post("/api/datasources/{uuid}/entries", uuid)
                .then().statusCode(201).body("name", equalTo("https://example.com/shipping.html"))
                .body("metadata.source", equalTo("https://example.com/shipping.html"))
                .extract().path("uuid");

        assertEquals(new JsonObject().put("team", "sales").put("year", 2024), document(text).getValue("metadata"),
                "stored with plain keys; md_ is Promptly's view");
        assertEquals("text/plain", document(text).getString("mime_type"));
        assertEquals("text/csv", document(file).getString("mime_type"));
        assertEquals("text/markdown", document(dataUrl).getString("mime_type"));
        Row url = document(page);
        assertEquals("text/uri-list", url.getString("mime_type"));
        assertEquals("https://example.com/shipping.html", new String(url.getBuffer("content").getBytes(), StandardCharsets.UTF_8));

        promptly(key).get("/api/datasources/{uuid}/entries", uuid).then().statusCode(200)
                .body("uuid", equalTo(List.of(text, file, dataUrl, page)));

        promptly(key).delete("/api/datasources/{uuid}/entries/{entry}", uuid, file).then().statusCode(204);
        promptly(key).get("/api/datasources/{uuid}/entries", uuid).then().body("uuid", not(hasItem(file)));
        assertEquals(0L, count("SELECT count(*) FROM gateway.knowledge_documents WHERE id = $1", UUID.fromString(file)));
        promptly(key).delete("/api/datasources/{uuid}/entries/{entry}", uuid, file).then().statusCode(404)
                .body("error", containsString("not found"));

        promptly(key).delete("/api/datasources/{uuid}", uuid).then().statusCode(204);
        promptly(key).get("/api/datasources/{uuid}/entries", uuid).then().statusCode(404);
        assertEquals(0L, count("SELECT count(*) FROM gateway.knowledge_documents WHERE knowledge_base_id = $1",
                UUID.fromString(uuid)));
    }

    @Test
    void badEntriesAreRefusedNamingTheFieldAndChangeNothing() {
        String key = Api.newTenant();
        String uuid = promptly(key).body(Map.of("name", "Bad entries " + UUID.randomUUID())).post("/api/datasources")
                .then().statusCode(201).body("type", equalTo("text")).extract().path("uuid");
        Map<String, Long> before = GatewayRows.count(pool);

        refused(key, uuid, Map.of("entry_data", Map.of("name", "x.txt", "file", "not base64!")), 422,
                "entry_data.file is not valid base64");
        refused(key, uuid, Map.of("entry_data", Map.of("file", Base64.getEncoder().encodeToString("x".getBytes()))), 422,
                "entry_data.name is required for a file");
        refused(key, uuid, Map.of("entry_data", Map.of("name", "x.exe", "file", "eA==")), 422,
                "file x.exe has an unsupported type");
        refused(key, uuid, Map.of("entry_data", Map.of("name", "x.pdf", "file", "eA==")), 422, "is not a PDF");
        refused(key, uuid, Map.of("entry_data", Map.of("name", "x", "content", "a", "url", "https://example.com/")), 422,
                "entry_data must have exactly one of content, url and file");
        refused(key, uuid, Map.of("entry_data", Map.of("url", "ftp://example.com/x")), 422,
                "entry_data.url must be an http or https URL");
        refused(key, uuid, Map.of("entry_data", Map.of("content", "a"), "entry_metadata", Map.of("team", List.of("a"))),
                422, "entry_metadata.team must be a string, a number or a boolean");
        refused(key, uuid, Map.of("entry_data", Map.of("content", "a"), "entry_metadata", List.of()), 422,
                "entry_metadata must be an object");
        refused(key, uuid, Map.of("entry_metadata", Map.of()), 422, "entry_data is required");
        refused(key, UUID.randomUUID().toString(), Map.of("entry_data", Map.of("content", "a")), 404,
                "knowledge base");
        refused(key, "not-a-uuid", Map.of("entry_data", Map.of("content", "a")), 404, "uuid must be a UUID");
        promptly(key).body(Map.of("name", "x", "type", "Not A Type")).post("/api/datasources").then().statusCode(422)
                .body("error", containsString("type"));

        assertEquals(before, GatewayRows.count(pool));
    }

    @Test
    void thePromptJugglerUploadTakesMetadataTextAndUrls() {
        String key = Api.newTenant();
        String slug = as(key).body(Map.of("name", "Upload metadata " + UUID.randomUUID())).post("/manage/v1/knowledge-bases")
                .then().statusCode(201).extract().path("slug");
        String file = given().auth().oauth2(key)
                .multiPart("files[0]", "notes.txt", "The office cat is called Pixel.".getBytes(), "text/plain")
                .multiPart("metadata", "{\"team\": \"office\", \"floor\": 3}")
                .post("/api/v1/knowledge-bases/{slug}/documents", slug)
                .then().statusCode(200).body("[0].fileName", equalTo("notes.txt")).extract().path("[0].id");
        assertEquals(new JsonObject().put("team", "office").put("floor", 3), document(file).getValue("metadata"));
        given().auth().oauth2(key)
                .multiPart("files[0]", "other.txt", "Other.".getBytes(), "text/plain")
                .multiPart("metadata", "[1]")
                .post("/api/v1/knowledge-bases/{slug}/documents", slug)
                .then().statusCode(422).body("error", equalTo("metadata must be an object"));

        String text = as(key).body(Map.of("text", "Parcels ship every weekday.", "metadata", Map.of("team", "shipping")))
                .post("/api/v1/knowledge-bases/{slug}/documents", slug)
                .then().statusCode(200).body("$", hasSize(1)).body("[0].fileName", equalTo("text.txt"))
                .body("[0].status", equalTo("pending")).extract().path("[0].id");
        assertEquals(new JsonObject().put("team", "shipping"), document(text).getValue("metadata"));
        String url = as(key).body(Map.of("url", "https://example.com/faq.html", "name", "FAQ"))
                .post("/api/v1/knowledge-bases/{slug}/documents", slug)
                .then().statusCode(200).body("[0].fileName", equalTo("FAQ")).extract().path("[0].id");
        assertEquals("text/uri-list", document(url).getString("mime_type"));
        // The same URL again is the same document, as identical content is.
        as(key).body(Map.of("url", "https://example.com/faq.html"))
                .post("/api/v1/knowledge-bases/{slug}/documents", slug)
                .then().statusCode(200).body("[0].id", equalTo(url));

        as(key).body(Map.of("text", "a", "url", "https://example.com/"))
                .post("/api/v1/knowledge-bases/{slug}/documents", slug)
                .then().statusCode(422).body("error", equalTo("give exactly one of text and url"));
        as(key).body(Map.of("url", "file:///etc/passwd")).post("/api/v1/knowledge-bases/{slug}/documents", slug)
                .then().statusCode(422).body("error", equalTo("url must be an http or https URL"));
        as(key).body(Map.of("text", " ")).post("/api/v1/knowledge-bases/{slug}/documents", slug)
                .then().statusCode(422).body("error", containsString("text is empty"));
    }

    private static void refused(String key, String uuid, Object body, int status, String error) {
        promptly(key).body(body).post("/api/datasources/{uuid}/entries", uuid)
                .then().statusCode(status).body("error", containsString(error));
    }

    private Row document(String id) {
        return pool.preparedQuery("SELECT mime_type, metadata, content FROM gateway.knowledge_documents WHERE id = $1")
                .execute(Tuple.of(UUID.fromString(id))).await().atMost(Duration.ofSeconds(10)).iterator().next();
    }

    private long count(String query, UUID id) {
        return pool.preparedQuery(query).execute(Tuple.of(id)).await().atMost(Duration.ofSeconds(10)).iterator().next()
                .getLong(0);
    }
}
