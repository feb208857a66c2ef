package dev.promptjuggler.gateway.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document a client is built from: the one the gateway serves at /q/openapi is the one committed
 * as docs/openapi.yaml, and it documents every operation fully — request and response schemas, the
 * {"error"} schema on every error status, an example of each body.
 *
 * <p>After changing the API, regenerate the committed document:
 * {@code ./mvnw -B verify -pl api-gateway -am -Dtest=OpenApiDocumentTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Dopenapi.update=true}.
 */
@QuarkusTest
class OpenApiDocumentTest {

    private static final Path COMMITTED = Path.of("..", "docs", "openapi.yaml");
    private static final String ERROR_SCHEMA = "#/components/schemas/ErrorResponse";

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void theServedDocumentIsTheCommittedOne() throws IOException {
        String served = given().accept("application/yaml").get("/q/openapi")
                .then().statusCode(200).extract().asString();
        if (Boolean.getBoolean("openapi.update")) {
            Files.writeString(COMMITTED, served);
        }
        assertEquals(Files.exists(COMMITTED) ? Files.readString(COMMITTED) : "", served,
                "docs/openapi.yaml is not what the gateway serves at /q/openapi; regenerate it (this test's Javadoc)");
    }

    @Test
    void everyOperationDocumentsItsBodiesItsErrorsAndExamples() throws IOException {
        JsonNode document = servedJson();
        JsonNode schemas = document.path("components").path("schemas");
        JsonNode shared = document.path("components").path("responses");
        List<String> problems = new ArrayList<>();
        int operations = 0;
        for (Map.Entry<String, JsonNode> path : document.path("paths").properties()) {
            for (Map.Entry<String, JsonNode> method : path.getValue().properties()) {
                operations++;
                String where = method.getKey().toUpperCase() + " " + path.getKey();
                JsonNode operation = method.getValue();
                JsonNode body = operation.path("requestBody").path("content");
                body.properties().forEach(media -> {
                    if (!hasExample(media.getValue(), schemas)) {
                        problems.add(where + ": request body " + media.getKey() + " has no schema with an example");
                    }
                });
                boolean success = false;
                for (Map.Entry<String, JsonNode> response : operation.path("responses").properties()) {
                    String status = response.getKey();
                    JsonNode resolved = response.getValue();
                    if (resolved.has("$ref")) {
                        resolved = shared.path(resolved.get("$ref").asText().replace("#/components/responses/", ""));
                    }
                    JsonNode content = resolved.path("content");
                    if (status.startsWith("2")) {
                        success = true;
                        // The thread's stream answers server-sent events, every other success JSON.
                        JsonNode media = content.has("text/event-stream") ? content.path("text/event-stream")
                                : content.path("application/json");
                        if (!status.equals("204") && !hasExample(media, schemas)) {
                            problems.add(where + ": " + status + " has no JSON schema with an example");
                        }
                    } else {
                        JsonNode error = content.path("application/json");
                        if (!ERROR_SCHEMA.equals(error.path("schema").path("$ref").asText())
                                || error.path("example").path("error").asText().isEmpty()) {
                            problems.add(where + ": " + status + " lacks the {\"error\"} schema or its example");
                        }
                    }
                }
                if (!success) {
                    problems.add(where + ": no success response");
                }
                JsonNode responses = operation.path("responses");
                boolean bootstrap = path.getKey().equals(BootstrapResource.PATH);
                if (!responses.has("401") || !responses.has("500") || !responses.has("503")) {
                    problems.add(where + ": 401, 500 or 503 undocumented");
                }
                // Rate limits count API-key requests; the stream takes a stream token, not a key.
                boolean stream = path.getKey().equals(ThreadStreamRoute.DOCUMENTED_PATH);
                if (!bootstrap && !stream && !responses.has("429")) {
                    problems.add(where + ": 429 undocumented");
                }
                if (path.getKey().startsWith("/manage/") && !responses.has("403")) {
                    problems.add(where + ": 403 undocumented");
                }
                if (path.getKey().contains("{") && !responses.has("404")) {
                    problems.add(where + ": 404 undocumented");
                }
                if (!body.isMissingNode() && !(responses.has("400") && responses.has("415") && responses.has("422"))) {
                    problems.add(where + ": 400, 415 or 422 undocumented");
                }
            }
        }
        assertTrue(operations >= 50, "only " + operations + " operations");
        assertEquals(List.of(), problems);
    }

    @Test
    void swaggerUiSendsTheApiKeyAsABearerToken() throws IOException {
        JsonNode document = servedJson();
        JsonNode apiKey = document.path("components").path("securitySchemes").path("ApiKey");
        assertEquals("http", apiKey.path("type").asText());
        assertEquals("bearer", apiKey.path("scheme").asText());
        assertEquals("[{\"ApiKey\":[]}]", document.path("security").toString());
        JsonNode bootstrap = document.path("paths").path(BootstrapResource.PATH).path("post").path("security");
        assertEquals("[{\"BootstrapToken\":[]}]", bootstrap.toString());
        JsonNode token = document.path("components").path("securitySchemes").path("BootstrapToken");
        assertEquals("X-Bootstrap-Token", token.path("name").asText());
        assertEquals("header", token.path("in").asText());
    }

    @Test
    void examplesUseOnlyTheFieldsTheirSchemasDeclare() throws IOException {
        JsonNode document = servedJson();
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, JsonNode> schema : document.path("components").path("schemas").properties()) {
            JsonNode example = schema.getValue().path("example");
            JsonNode properties = schema.getValue().path("properties");
            if (!example.isObject() || !properties.isObject()) {
                continue;
            }
            Set<String> declared = new HashSet<>();
            properties.fieldNames().forEachRemaining(declared::add);
            example.fieldNames().forEachRemaining(field -> {
                if (!declared.contains(field)) {
                    problems.add(schema.getKey() + ".example." + field + " is not a property of " + schema.getKey());
                }
            });
            schema.getValue().path("required").forEach(required -> {
                if (!example.has(required.asText())) {
                    problems.add(schema.getKey() + ".example lacks the required " + required.asText());
                }
            });
        }
        assertEquals(List.of(), problems);
    }

    private JsonNode servedJson() throws IOException {
        return json.readTree(given().get("/q/openapi?format=json").then().statusCode(200).extract().asString());
    }

    /** A media type whose schema (through a $ref, or an array's items) carries an example. */
    private static boolean hasExample(JsonNode media, JsonNode schemas) {
        if (media.has("example") || media.has("examples")) {
            return true;
        }
        JsonNode schema = media.path("schema");
        for (int depth = 0; depth < 4 && !schema.isMissingNode(); depth++) {
            if (schema.has("example") || schema.has("examples")) {
                return true;
            }
            if (schema.has("$ref")) {
                schema = schemas.path(schema.get("$ref").asText().substring("#/components/schemas/".length()));
            } else if (schema.has("items")) {
                schema = schema.get("items");
            } else {
                return false;
            }
        }
        return false;
    }
}
