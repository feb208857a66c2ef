package dev.promptjuggler.gateway.api;

import static dev.promptjuggler.gateway.api.Api.as;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Drafts, immutable versions, movable tags and renames, seen through the management and public APIs. */
@QuarkusTest
class DefinitionLifecycleTest {

    private String key;

    @BeforeEach
    void tenant() {
        key = Api.newTenant();
    }

    @Test
    void draftsNeverRunAndPublishedVersionsAreImmutable() {
        String slug = Api.createPrompt(key, "Lifecycle", Api.promptDraft("First {{x}}"));
        as(key).body(Map.of("inputs", Map.of("x", "1"))).post("/api/v1/prompts/{slug}/__latest__/runs", slug)
                .then().statusCode(404).body("error", equalTo("prompt " + slug + " has no published version or tag __latest__"));

        Api.publish(key, "prompts", slug);
        as(key).body(Api.promptDraft("Second {{x}} {{y}}")).put("/manage/v1/prompts/{slug}/draft", slug)
                .then().statusCode(200).body("draft.messages[0].content", equalTo("Second {{x}} {{y}}"))
                .body("latestVersion", equalTo(1));

        // The saved draft changes nothing that runs: version 1 and __latest__ still need only x.
        as(key).body(Map.of("inputs", Map.of("x", "1"))).post("/api/v1/prompts/{slug}/__latest__/runs", slug)
                .then().statusCode(200);
        as(key).get("/api/v1/prompts/{slug}/1", slug)
                .then().statusCode(200).body("messages[0].content", equalTo("First {{x}}"))
                .body("responseFormat.type", equalTo("text")).body("memory", equalTo("stateless"));

        Api.publish(key, "prompts", slug);
        as(key).body(Map.of("inputs", Map.of("x", "1"))).post("/api/v1/prompts/{slug}/__latest__/runs", slug)
                .then().statusCode(422).body("error", equalTo("inputs is missing y (placeholders of version 2)"));
        as(key).get("/manage/v1/prompts/{slug}/versions", slug)
                .then().statusCode(200).body("version", contains(2, 1));
    }

    @Test
    void tagsAreMovablePointersToPublishedVersions() {
        String slug = Api.createPrompt(key, "Tagged", Api.promptDraft("One"));
        Api.publish(key, "prompts", slug);
        as(key).body(Api.promptDraft("Two")).put("/manage/v1/prompts/{slug}/draft", slug).then().statusCode(200);
        Api.publish(key, "prompts", slug);

        as(key).body(Map.of("version", 1)).put("/manage/v1/prompts/{slug}/tags/production", slug)
                .then().statusCode(200).body("version", equalTo(1)).body("tags", contains("production"));
        String first = runVersion(slug, "production");
        as(key).get("/api/v1/promptruns/{id}", first).then()
                .header("PromptJuggler-Revision-Version", "1").body("$", not(hasKey("revision")));

        as(key).body(Map.of("version", 2)).put("/manage/v1/prompts/{slug}/tags/production", slug)
                .then().statusCode(200).body("version", equalTo(2));
        String second = runVersion(slug, "production");
        as(key).get("/api/v1/promptruns/{id}", second).then().header("PromptJuggler-Revision-Version", "2");
        as(key).get("/api/v1/prompts/{slug}/production", slug).then().statusCode(200)
                .body("messages[0].content", equalTo("Two"));

        as(key).body(Map.of("version", 3)).put("/manage/v1/prompts/{slug}/tags/staging", slug)
                .then().statusCode(422).body("error", equalTo("version 3 of " + slug + " is not published"));
        as(key).body(Map.of("version", 1)).put("/manage/v1/prompts/{slug}/tags/{tag}", slug, "7")
                .then().statusCode(422);
        as(key).delete("/manage/v1/prompts/{slug}/tags/production", slug).then().statusCode(204);
        as(key).body(Map.of("inputs", Map.of())).post("/api/v1/prompts/{slug}/production/runs", slug)
                .then().statusCode(404);
        as(key).delete("/manage/v1/prompts/{slug}/tags/production", slug).then().statusCode(404);
    }

    @Test
    void aRenameKeepsTheOldSlugWorkingAsAnAlias() {
        String slug = Api.createPrompt(key, "Old Name", Api.promptDraft("Hi"));
        Api.publish(key, "prompts", slug);
        String newName = "New Name " + UUID.randomUUID();

        String newSlug = as(key).body(Map.of("name", newName)).post("/manage/v1/prompts/{slug}/rename", slug)
                .then().statusCode(200).body("name", equalTo(newName)).body("aliases", contains(slug))
                .extract().path("slug");

        as(key).get("/manage/v1/prompts/{slug}", slug).then().statusCode(200).body("slug", equalTo(newSlug));
        as(key).body(Map.of("inputs", Map.of())).post("/api/v1/prompts/{slug}/1/runs", slug).then().statusCode(200);
        as(key).body(Map.of("inputs", Map.of())).post("/api/v1/prompts/{slug}/1/runs", newSlug).then().statusCode(200);
        // The old slug stays reserved: a new prompt with the old name cannot take it.
        as(key).body(Map.of("name", slug.substring(3).replace('_', ' '), "draft", Api.promptDraft("x")))
                .post("/manage/v1/prompts").then().statusCode(409);
    }

    @Test
    void workflowsShareTheLifeCycleAndAcceptRuns() {
        String slug = as(key).body(Map.of("name", "Flow " + UUID.randomUUID(),
                        "draft", Map.of("nodes", List.of(), "edges", List.of())))
                .post("/manage/v1/workflows")
                .then().statusCode(201).body("slug", org.hamcrest.Matchers.startsWith("wf_"))
                .body("latestVersion", nullValue())
                .extract().path("slug");
        Api.publish(key, "workflows", slug);

        String id = as(key).body(Map.of("inputs", Map.of("question", "why?")))
                .post("/api/v1/workflows/{slug}/1/runs", slug)
                .then().statusCode(200).extract().path("id");
        as(key).get("/api/v1/workflowruns/{id}", id).then().statusCode(200)
                .body("id", equalTo(id)).body("errors", empty()).body("$", not(hasKey("revision")))
                .header("PromptJuggler-Revision-Version", "1")
                .header("PromptJuggler-Revision-Id", org.hamcrest.Matchers.matchesPattern("[0-9a-f-]{36}"));
        // A workflow run is not a prompt run, and the other way round.
        as(key).get("/api/v1/promptruns/{id}", id).then().statusCode(404);
        as(key).get("/manage/v1/workflows").then().statusCode(200).body("slug", contains(slug));
    }

    @Test
    void malformedToolsAndResponseFormatsAreRefusedNamingTheProblemAndChangeNothing() {
        String slug = Api.createPrompt(key, "Tools", Api.promptDraft("Hello"));
        Map<String, Object> literalKey = Map.of("type", "http", "name", "crm", "url", "https://crm.example.com/api",
                "method", "GET", "failFast", false, "headers", List.of(Map.of("key", "Authorization", "value", "Bearer sk-live")));
        assertDraftRefused(slug, Map.of("tools", List.of(literalKey)),
                "tool 'crm': header Authorization carries a credential and must take it from an environment variable (${NAME})");
        assertDraftRefused(slug, Map.of("tools", List.of(Map.of("type", "shell", "name", "x"))),
                "tools[0].type must be one of [emit, http, knowledge_search, mcp, prompt, script, web_search, workflow], not shell");
        assertDraftRefused(slug, Map.of("tools", List.of(Map.of("type", "emit", "name", "lead", "failFast", true,
                "paramsSchema", "{not json"))), "tool 'lead': paramsSchema is not JSON");
        assertDraftRefused(slug, Map.of("responseFormat", Map.of("type", "json_schema", "name", "x")),
                "responseFormat.schema (a JSON Schema object, as JSON text) is required for json_schema");

        Map<String, Object> withTools = new java.util.HashMap<>(Api.promptDraft("Hello"));
        withTools.put("tools", List.of(Map.of("type", "http", "name", "crm", "url", "https://crm.example.com/api",
                "method", "GET", "failFast", false, "headers", List.of(Map.of("key", "Authorization", "value", "Bearer ${CRM_KEY}")))));
        as(key).body(withTools).put("/manage/v1/prompts/{slug}/draft", slug).then().statusCode(200)
                .body("draft.tools[0].name", equalTo("crm"));
    }

    @Test
    void aRevisionIdWorksWhereverAVersionDoes() {
        String slug = Api.createPrompt(key, "By id", Api.promptDraft("One"));
        Api.publish(key, "prompts", slug);
        as(key).body(Api.promptDraft("Two")).put("/manage/v1/prompts/{slug}/draft", slug).then().statusCode(200);
        Api.publish(key, "prompts", slug);
        String first = as(key).get("/manage/v1/prompts/{slug}/versions", slug).then().statusCode(200)
                .extract().path("revisionId[1]");

        as(key).get("/api/v1/prompts/{slug}/{version}", slug, first).then().statusCode(200)
                .body("id", equalTo(first)).body("messages[0].content", equalTo("One"));
        String run = runVersion(slug, first);
        as(key).get("/api/v1/promptruns/{id}", run).then().statusCode(200)
                .header("PromptJuggler-Revision-Id", first).header("PromptJuggler-Revision-Version", "1");
        // Another prompt's revision id names nothing here.
        String other = Api.createPrompt(key, "Other", Api.promptDraft("Other"));
        Api.publish(key, "prompts", other);
        as(key).get("/api/v1/prompts/{slug}/{version}", other, first).then().statusCode(404);
    }

    @Test
    void publishingRefusesAModelOutsideTheCatalogueAndToolsOffTheSdkSchemaNamingTheFieldAndPublishesNothing() {
        assertPublishRefused(Map.of("model", "gpt-5.5-mini"), "model gpt-5.5-mini is not in the model catalogue for openai");
        assertPublishRefused(Map.of("provider", "anthropic"), "model gpt-5.5 is not in the model catalogue for anthropic");
        assertPublishRefused(Map.of("tools", List.of(Map.of("type", "emit", "name", "lead",
                "paramsSchema", "{\"type\":\"object\"}"))), "tools[0].failFast is required and must be true or false");
        assertPublishRefused(Map.of("tools", List.of(Map.of("type", "emit", "name", "lead", "failFast", true))),
                "tools[0].paramsSchema is required");
        assertPublishRefused(Map.of("tools", List.of(Map.of("type", "prompt", "name", "sub", "failFast", true,
                "versionRef", Map.of("definitionId", "pr_x", "idOrTag", true)))),
                "tools[0].versionRef.idOrTag must be a version number or a non-empty string");
        assertPublishRefused(Map.of("tools", List.of(Map.of("type", "http", "name", "crm", "failFast", false,
                "url", "https://crm.example.com", "paramsSchema", "{}"))), "tools[0].method must be one of");

        Map<String, Object> valid = new java.util.HashMap<>(Api.promptDraft("Hi"));
        valid.put("model", "claude-haiku-4-5");
        valid.put("provider", "anthropic");
        valid.put("tools", List.of(Map.of("type", "prompt", "name", "sub", "failFast", false,
                "versionRef", Map.of("definitionId", "pr_x", "idOrTag", 2))));
        String slug = Api.createPrompt(key, "Valid", valid);
        as(key).body(Map.of()).post("/manage/v1/prompts/{slug}/versions", slug)
                .then().log().ifValidationFails().statusCode(201).body("version", equalTo(1));
    }

    private void assertPublishRefused(Map<String, Object> change, String error) {
        Map<String, Object> draft = new java.util.HashMap<>(Api.promptDraft("Hi"));
        draft.putAll(change);
        String slug = Api.createPrompt(key, "Refused", draft);
        as(key).body(Map.of()).post("/manage/v1/prompts/{slug}/versions", slug)
                .then().statusCode(422).body("error", org.hamcrest.Matchers.startsWith(error));
        as(key).get("/manage/v1/prompts/{slug}", slug).then().statusCode(200).body("latestVersion", nullValue());
        as(key).get("/manage/v1/prompts/{slug}/versions", slug).then().statusCode(200).body("$", empty());
    }

    private void assertDraftRefused(String slug, Map<String, Object> change, String error) {
        Map<String, Object> draft = new java.util.HashMap<>(Api.promptDraft("Changed"));
        draft.putAll(change);
        as(key).body(draft).put("/manage/v1/prompts/{slug}/draft", slug)
                .then().statusCode(422).body("error", org.hamcrest.Matchers.startsWith(error));
        as(key).get("/manage/v1/prompts/{slug}", slug).then().statusCode(200)
                .body("draft.messages[0].content", equalTo("Hello"));
    }

    private String runVersion(String slug, String version) {
        return as(key).body(Map.of("inputs", Map.of())).post("/api/v1/prompts/{slug}/{version}/runs", slug, version)
                .then().statusCode(200).extract().path("id");
    }
}
