package dev.promptjuggler.gateway.api;

import static dev.promptjuggler.gateway.api.Api.as;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every public response's keys against the SDK model it is decoded as, so a new field cannot slip in unnoticed:
 * the Go SDK decodes with {@code DisallowUnknownFields}, and one extra key fails its client. The property lists
 * are {@code e2e/sdk/sdk-models.json}, derived from {@code @promptjuggler/sdk}'s types (and checked against them
 * here where {@code e2e/node_modules} is installed). The two fields the gateway leaves out on purpose, for the Go
 * and Java SDKs' sake, are named in {@link #LEFT_OUT} (docs/api.md, "Public shapes").
 */
@QuarkusTest
class PublicShapesTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path SDK_MODELS = ROOT.resolve("e2e/sdk/sdk-models.json");
    private static final Path SDK_TYPES = ROOT.resolve("e2e/node_modules/@promptjuggler/sdk/dist/index.d.ts");
    private static final Map<String, Set<String>> LEFT_OUT = Map.of("TokenUsage", Set.of("inputCacheWrite"),
            "ModelCost", Set.of("cacheWrite"));

    @Inject
    Pool pool;

    private String key;

    @BeforeEach
    void tenant() {
        key = Api.newTenant();
    }

    @Test
    void theCheckedInModelListsMatchTheInstalledSdk() throws IOException {
        JsonNode models = sdk().get("models");
        if (!Files.exists(SDK_TYPES)) {
            // Without `npm ci` in e2e/ the list stands on its own; the e2e suite installs the SDK and checks again.
            return;
        }
        String types = Files.readString(SDK_TYPES);
        assertTrue(sdk().get("sdk").asText().endsWith("@" + installedVersion()), "sdk-models.json is of another SDK version");
        models.fieldNames().forEachRemaining(model -> assertEquals(declaredProperties(types, model),
                properties(model), model + " in e2e/sdk/sdk-models.json differs from the SDK's types; run"
                        + " node e2e/sdk/extract-models.mjs"));
    }

    @Test
    void runReadsCarryExactlyTheSdkFieldsWithTheRevisionInHeaders() {
        String slug = Api.createPrompt(key, "Shapes", Api.promptDraft("Hi {{name}}"));
        Api.publish(key, "prompts", slug);
        Response created = as(key).body(Map.of("inputs", Map.of("name", "Ada")))
                .post("/api/v1/prompts/{slug}/1/runs", slug);
        assertKeys("CreatePromptRunResponse", created.jsonPath().getMap("$"));
        String id = created.path("id");

        Response pending = as(key).get("/api/v1/promptruns/{id}", id);
        assertEquals(200, pending.statusCode());
        assertAllKeys("PromptRun", pending.jsonPath().getMap("$"));
        String revisionId = as(key).get("/manage/v1/prompts/{slug}/versions", slug).path("revisionId[0]");
        assertEquals(revisionId, pending.header("PromptJuggler-Revision-Id"));
        assertEquals("1", pending.header("PromptJuggler-Revision-Version"));

        // As run-executor stores a finished Anthropic run: usage and cost with cache writes.
        sql("INSERT INTO executor.run_states (run_id, status, finished_at, output, token_usage, cost)"
                + " VALUES ($1, 'completed', now(), 'Hello', '{\"input\": 30, \"inputCached\": 10, \"output\": 5,"
                + " \"reasoning\": 0, \"total\": 35, \"inputCacheWrite\": 20}', $2::text::jsonb)",
                Tuple.of(UUID.fromString(id), cost()));
        Response finished = as(key).get("/api/v1/promptruns/{id}", id);
        Map<String, Object> run = finished.jsonPath().getMap("$");
        assertAllKeys("PromptRun", run);
        assertKeys("TokenUsage", finished.jsonPath().getMap("tokenUsage"));
        assertKeys("RunCost", finished.jsonPath().getMap("cost"));
        assertAllKeys("ModelCost", finished.jsonPath().getMap("cost.success"));
        assertAllKeys("ModelCost", finished.jsonPath().getMap("cost.retries"));
        // The cache writes' cost is counted in input, so the parts still add up to the total.
        assertEquals(0.3, finished.jsonPath().getDouble("cost.success.input"), 1e-9);
        assertEquals(0.5, finished.jsonPath().getDouble("cost.success.total"), 1e-9);
        assertEquals(30, finished.jsonPath().getInt("tokenUsage.input"));

        String workflow = as(key).body(Map.of("name", "Shapes flow " + UUID.randomUUID(),
                "draft", Map.of("nodes", List.of(), "edges", List.of()))).post("/manage/v1/workflows")
                .then().statusCode(201).extract().path("slug");
        Api.publish(key, "workflows", workflow);
        Response workflowCreated = as(key).body(Map.of("inputs", Map.of())).post("/api/v1/workflows/{slug}/1/runs", workflow);
        assertKeys("CreateWorkflowRunResponse", workflowCreated.jsonPath().getMap("$"));
        Response workflowRun = as(key).get("/api/v1/workflowruns/{id}", workflowCreated.<String>path("id"));
        assertAllKeys("WorkflowRun", workflowRun.jsonPath().getMap("$"));
        assertEquals("1", workflowRun.header("PromptJuggler-Revision-Version"));
    }

    @Test
    void aPublishedRevisionCarriesExactlyThePromptRevisionFields() {
        Map<String, Object> draft = new LinkedHashMap<>(Api.promptDraft("Hi"));
        draft.put("modelParams", Map.of("temperature", 0.2, "seed", 7));
        draft.put("responseFormat", Map.of("type", "json_schema", "name", "answer",
                "schema", "{\"type\":\"object\"}", "colour", "blue"));
        draft.put("tools", List.of(
                Map.of("type", "emit", "name", "lead", "failFast", true, "paramsSchema", "{\"type\":\"object\"}",
                        "note", "editor-only"),
                Map.of("type", "web_search", "allowedDomains", List.of("example.com"))));
        String slug = Api.createPrompt(key, "Revision shape", draft);
        Api.publish(key, "prompts", slug);

        Response revision = as(key).get("/api/v1/prompts/{slug}/1", slug);
        assertEquals(200, revision.statusCode());
        assertKeys("PromptRevision", revision.jsonPath().getMap("$"));
        assertKeys("ModelParams", revision.jsonPath().getMap("modelParams"));
        assertKeys("JsonSchemaFormat", revision.jsonPath().getMap("responseFormat"));
        assertKeys("Emit", revision.jsonPath().getMap("tools[0]"));
        assertKeys("WebSearch", revision.jsonPath().getMap("tools[1]"));
        assertKeys("ContentMessageResponse", revision.jsonPath().getMap("messages[0]"));
        assertKeys("ErrorResponse", as(key).get("/api/v1/prompts/{slug}/9", slug).jsonPath().getMap("$"));
    }

    @Test
    void knowledgeResponsesCarryExactlyTheSdkFields() {
        String base = as(key).body(Map.of("name", "Shapes KB " + UUID.randomUUID())).post("/manage/v1/knowledge-bases")
                .then().statusCode(201).extract().path("slug");
        Response uploaded = io.restassured.RestAssured.given().auth().oauth2(key)
                .multiPart("files[0]", "notes.txt", "Some notes.".getBytes(), "text/plain")
                .post("/api/v1/knowledge-bases/{slug}/documents", base);
        assertEquals(200, uploaded.statusCode(), uploaded.asString());
        assertKeys("KnowledgeDocumentResponse", uploaded.jsonPath().getMap("[0]"));
        String document = uploaded.path("[0].id");
        assertKeys("KnowledgeDocumentResponse", as(key).get("/api/v1/knowledge-documents/{id}", document)
                .jsonPath().getMap("$"));
        Response found = as(key).get("/api/v1/knowledge-bases/{slug}", base);
        assertKeys("KnowledgeBaseResponse", found.jsonPath().getMap("$"));
        assertKeys("KnowledgeDocumentSummary", found.jsonPath().getMap("documents[0]"));
    }

    /** Keys of the response within the model's properties (minus the left-out ones), its required ones all there. */
    private static void assertKeys(String model, Map<String, Object> response) {
        Set<String> allowed = new TreeSet<>(properties(model));
        allowed.removeAll(LEFT_OUT.getOrDefault(model, Set.of()));
        Set<String> extra = new TreeSet<>(response.keySet());
        extra.removeAll(allowed);
        assertEquals(Set.of(), extra, model + " has keys the SDK does not know");
        Set<String> missing = new TreeSet<>(required(model));
        missing.removeAll(LEFT_OUT.getOrDefault(model, Set.of()));
        missing.removeAll(response.keySet());
        assertEquals(Set.of(), missing, model + " lacks required keys");
    }

    /** The same, and every property present (null where there is no value). */
    private static void assertAllKeys(String model, Map<String, Object> response) {
        assertKeys(model, response);
        Set<String> expected = new TreeSet<>(properties(model));
        expected.removeAll(LEFT_OUT.getOrDefault(model, Set.of()));
        assertEquals(expected, new TreeSet<>(response.keySet()), model);
    }

    private static List<String> properties(String model) {
        List<String> names = new ArrayList<>();
        sdk().get("models").get(model).forEach(property -> names.add(property.get("name").asText()));
        return names;
    }

    private static Set<String> required(String model) {
        Set<String> names = new TreeSet<>();
        sdk().get("models").get(model).forEach(property -> {
            if (property.get("required").asBoolean()) {
                names.add(property.get("name").asText());
            }
        });
        return names;
    }

    /** The top-level property names of {@code interface <model>} in the SDK's declarations, in order. */
    private static List<String> declaredProperties(String types, String model) {
        Matcher body = Pattern.compile("\\ninterface " + model + " \\{\\n([\\s\\S]*?)\\n\\}").matcher(types);
        assertTrue(body.find(), "no interface " + model + " in the SDK's types");
        List<String> names = new ArrayList<>();
        int depth = 0;
        for (String line : body.group(1).split("\n")) {
            Matcher property = Pattern.compile("^ {4}(\\w+)\\??: ").matcher(line);
            if (depth == 0 && property.find()) {
                names.add(property.group(1));
            }
            depth += line.chars().filter(c -> c == '{').count() - line.chars().filter(c -> c == '}').count();
        }
        return names;
    }

    private static String installedVersion() throws IOException {
        return new ObjectMapper().readTree(SDK_TYPES.getParent().getParent().resolve("package.json").toFile())
                .get("version").asText();
    }

    private static JsonNode sdk() {
        try {
            return new ObjectMapper().readTree(SDK_MODELS.toFile());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String cost() {
        String success = "{\"input\": 0.1, \"cachedInput\": 0.05, \"cacheWrite\": 0.2, \"output\": 0.15,"
                + " \"webSearch\": 0, \"total\": 0.5}";
        String retries = "{\"input\": 0, \"cachedInput\": 0, \"cacheWrite\": 0, \"output\": 0, \"webSearch\": 0,"
                + " \"total\": 0}";
        return "{\"success\": " + success + ", \"retries\": " + retries + ", \"total\": 0.5}";
    }

    private void sql(String statement, Tuple arguments) {
        pool.preparedQuery(statement).execute(arguments).await().indefinitely();
    }
}
