package dev.promptjuggler.gateway.api;

import static dev.promptjuggler.gateway.api.Api.as;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Draft runs (the editor's test runs) and archiving (DELETE of a definition). A draft run executes a snapshot of the
 * draft, which run-executor reads as it reads any run's revision: by the run's {@code revision_id} (the end-to-end
 * test {@code e2e/test/drafts.test.mjs} shows the simulator echoing the draft's text).
 */
@QuarkusTest
class DraftRunsAndArchiveTest {

    @Inject
    Pool pool;

    private String key;

    @BeforeEach
    void tenant() {
        key = Api.newTenant();
    }

    @Test
    void aDraftRunExecutesTheDraftAtOnsiteWithoutPublishingIt() {
        String slug = Api.createPrompt(key, "Drafted", Api.promptDraft("Published text for {{name}}"));
        Api.publish(key, "prompts", slug);
        as(key).body(Api.promptDraft("Draft text for {{name}}")).put("/manage/v1/prompts/{slug}/draft", slug)
                .then().statusCode(200);

        Response accepted = as(key).body(Map.of("inputs", Map.of("name", "Ada"), "metadata", Map.of("by", "editor")))
                .post("/manage/v1/prompts/{slug}/draft/runs", slug);
        accepted.then().statusCode(200).body("thread", notNullValue());
        String id = accepted.path("id");
        String snapshot = accepted.path("revisionId");
        assertEquals("/api/v1/promptruns/" + id, accepted.path("url"));

        // What run-executor executes: the run's revision, joined as its claim joins it.
        Row executed = row("SELECT r.priority, r.revision_version, v.version, v.config->'messages'->0->>'content' AS text"
                + " FROM gateway.runs r JOIN gateway.revisions v ON v.id = r.revision_id WHERE r.id = $1", id);
        assertEquals("onsite", executed.getString("priority"));
        assertEquals(0, executed.getInteger("revision_version"));
        assertEquals("Draft text for {{name}}", executed.getString("text"));

        // Nothing was published: the versions, the latest version and __latest__ are still version 1's.
        as(key).get("/manage/v1/prompts/{slug}/versions", slug).then().statusCode(200).body("size()", equalTo(1));
        as(key).get("/manage/v1/prompts/{slug}", slug).then().body("latestVersion", equalTo(1));
        as(key).get("/api/v1/prompts/{slug}/__latest__", slug).then().statusCode(200)
                .body("messages[0].content", equalTo("Published text for {{name}}"));
        as(key).get("/api/v1/prompts/{slug}/{version}", slug, snapshot).then().statusCode(404);
        as(key).body(Map.of("inputs", Map.of("name", "Ada"))).post("/api/v1/prompts/{slug}/{version}/runs", slug, snapshot)
                .then().statusCode(404);

        // The run reads like any run, and says it ran the draft.
        as(key).get(accepted.<String>path("url")).then().statusCode(200)
                .header(SdkShapes.REVISION_ID, snapshot).header(SdkShapes.REVISION_VERSION, "draft")
                .body("status", equalTo("pending"));

        // An unchanged draft runs from the same snapshot; a changed one from a new one.
        String again = as(key).body(Map.of("inputs", Map.of("name", "Bo"))).post("/manage/v1/prompts/{slug}/draft/runs", slug)
                .then().statusCode(200).extract().path("revisionId");
        assertEquals(snapshot, again);
        as(key).body(Api.promptDraft("Changed text for {{name}}")).put("/manage/v1/prompts/{slug}/draft", slug)
                .then().statusCode(200);
        String changed = as(key).body(Map.of("inputs", Map.of("name", "Cy"))).post("/manage/v1/prompts/{slug}/draft/runs", slug)
                .then().statusCode(200).extract().path("revisionId");
        assertNotEquals(snapshot, changed);
        // Publishing after draft runs still numbers on from the published versions.
        assertEquals(2, Api.publish(key, "prompts", slug));
    }

    @Test
    void aDraftRunIsCheckedAsPublishingWouldCheckItAndStoresNothingWhenRefused() {
        String slug = Api.createPrompt(key, "Unpublishable", Map.of("provider", "openai", "model", "gpt-unknown",
                "messages", List.of(Map.of("role", "user", "content", "Hi {{name}}"))));
        as(key).body(Map.of("inputs", Map.of("name", "Ada"))).post("/manage/v1/prompts/{slug}/draft/runs", slug)
                .then().statusCode(422).body("error", org.hamcrest.Matchers.containsString("model gpt-unknown"));
        as(key).body(Api.promptDraft("Hi {{name}}")).put("/manage/v1/prompts/{slug}/draft", slug).then().statusCode(200);
        as(key).body(Map.of("inputs", Map.of())).post("/manage/v1/prompts/{slug}/draft/runs", slug)
                .then().statusCode(422).body("error", equalTo("inputs is missing name (placeholders of the draft)"));
        as(key).body(Map.of("inputs", Map.of("name", "Ada"), "priority", "low"))
                .post("/manage/v1/prompts/{slug}/draft/runs", slug)
                .then().statusCode(422).body("error", equalTo("priority must be onsite or absent: a draft runs at onsite priority"));
        assertEquals(0L, row("SELECT count(*) FROM gateway.runs r JOIN gateway.revisions v ON v.id = r.revision_id"
                + " JOIN gateway.definitions d ON d.id = v.definition_id WHERE d.slug = $1", slug).getLong(0));
        as(key).body(Map.of("inputs", Map.of("name", "Ada"), "priority", "onsite"))
                .post("/manage/v1/prompts/{slug}/draft/runs", slug).then().statusCode(200);
    }

    @Test
    void aWorkflowDraftRunsOnceItsGraphIsValid() {
        String slug = as(key).body(Map.of("name", "Draft flow " + UUID.randomUUID(), "draft", Map.of("nodes", List.of(
                        Map.of("id", "in", "type", "input", "name", "text"), Map.of("id", "out", "type", "output", "name", "echo")),
                        "edges", List.of(Map.of("from", "in", "to", "missing")))))
                .post("/manage/v1/workflows").then().statusCode(201).extract().path("slug");
        as(key).body(Map.of("inputs", Map.of("text", "hi"))).post("/manage/v1/workflows/{slug}/draft/runs", slug)
                .then().statusCode(422).body("error", org.hamcrest.Matchers.startsWith("node"));
        as(key).body(Map.of("nodes", List.of(Map.of("id", "in", "type", "input", "name", "text"),
                        Map.of("id", "out", "type", "output", "name", "echo")), "edges", List.of(Map.of("from", "in", "to", "out"))))
                .put("/manage/v1/workflows/{slug}/draft", slug).then().statusCode(200);
        Response accepted = as(key).body(Map.of("inputs", Map.of("text", "hi"))).post("/manage/v1/workflows/{slug}/draft/runs", slug);
        accepted.then().statusCode(200);
        assertEquals("/api/v1/workflowruns/" + accepted.path("id"), accepted.path("url"));
        as(key).get(accepted.<String>path("url")).then().statusCode(200).header(SdkShapes.REVISION_VERSION, "draft");
        as(key).get("/manage/v1/workflows/{slug}", slug).then().body("latestVersion", nullValue());
    }

    @Test
    void anArchivedPromptStopsResolvingItsRunsStayReadableAndItRefusesChanges() {
        String slug = Api.createPrompt(key, "Retired", Api.promptDraft("Hello {{name}}"));
        Api.publish(key, "prompts", slug);
        String run = as(key).body(Map.of("inputs", Map.of("name", "Ada"))).post("/api/v1/prompts/{slug}/1/runs", slug)
                .then().statusCode(200).extract().path("id");

        as(key).delete("/manage/v1/prompts/{slug}", slug).then().statusCode(204);
        as(key).delete("/manage/v1/prompts/{slug}", slug).then().statusCode(204);

        as(key).body(Map.of("inputs", Map.of("name", "Ada"))).post("/api/v1/prompts/{slug}/1/runs", slug)
                .then().statusCode(404).body("error", equalTo("prompt " + slug + " not found"));
        as(key).get("/api/v1/prompts/{slug}/1", slug).then().statusCode(404);
        as(key).get("/api/v1/promptruns/{id}", run).then().statusCode(200).body("id", equalTo(run));

        String refused = "prompt " + slug + " is archived";
        as(key).body(Map.of()).post("/manage/v1/prompts/{slug}/versions", slug).then().statusCode(409).body("error", equalTo(refused));
        as(key).body(Api.promptDraft("Hi {{name}}")).put("/manage/v1/prompts/{slug}/draft", slug)
                .then().statusCode(409).body("error", equalTo(refused));
        as(key).body(Map.of("name", "Revived")).post("/manage/v1/prompts/{slug}/rename", slug).then().statusCode(409);
        as(key).body(Map.of("version", 1)).put("/manage/v1/prompts/{slug}/tags/production", slug).then().statusCode(409);
        as(key).body(Map.of("inputs", Map.of("name", "Ada"))).post("/manage/v1/prompts/{slug}/draft/runs", slug)
                .then().statusCode(409).body("error", equalTo(refused));
        as(key).get("/manage/v1/prompts/{slug}/versions", slug).then().statusCode(200).body("size()", equalTo(1));

        // The slug is not reusable; the list hides the prompt unless asked.
        String name = as(key).get("/manage/v1/prompts/{slug}", slug).then().statusCode(200)
                .body("archivedAt", notNullValue()).extract().path("name");
        as(key).body(Map.of("name", name, "draft", Api.promptDraft("Hi"))).post("/manage/v1/prompts").then().statusCode(409);
        as(key).get("/manage/v1/prompts").then().statusCode(200).body("slug", not(hasItem(slug)));
        as(key).get("/manage/v1/prompts?archived=true").then().statusCode(200).body("slug", hasItem(slug));
        as(key).get("/manage/v1/prompts?archived=false").then().statusCode(200).body("slug", not(hasItem(slug)));
    }

    @Test
    void anArchivedPromptIsNoLongerAReferenceForWorkflows() {
        String prompt = Api.createPrompt(key, "Referenced", Api.promptDraft("Hello {{text}}"));
        Api.publish(key, "prompts", prompt);
        String workflow = as(key).body(Map.of("name", "Referring " + UUID.randomUUID(), "draft", Map.of(
                        "nodes", List.of(Map.of("id", "in", "type", "input", "name", "text"),
                                Map.of("id", "p", "type", "prompt", "name", "P", "settings", Map.of("prompt", prompt, "version", 1)),
                                Map.of("id", "out", "type", "output", "name", "answer")),
                        "edges", List.of(Map.of("from", "in", "to", "p", "toHandle", "text"), Map.of("from", "p", "to", "out")))))
                .post("/manage/v1/workflows").then().statusCode(201).extract().path("slug");
        Api.publish(key, "workflows", workflow);
        as(key).delete("/manage/v1/prompts/{slug}", prompt).then().statusCode(204);
        as(key).body(Map.of()).post("/manage/v1/workflows/{slug}/versions", workflow)
                .then().statusCode(422).body("error", org.hamcrest.Matchers.startsWith("node p:"));
        as(key).delete("/manage/v1/workflows/{slug}", workflow).then().statusCode(204);
        as(key).body(Map.of("inputs", Map.of("text", "x"))).post("/api/v1/workflows/{slug}/1/runs", workflow)
                .then().statusCode(404).body("error", equalTo("workflow " + workflow + " not found"));
        as(key).get("/manage/v1/workflows?archived=true").then().body("find { it.slug == '" + workflow + "' }.archivedAt",
                notNullValue());
    }

    private Row row(String sql, String argument) {
        Object value = argument.matches("[0-9a-f-]{36}") ? UUID.fromString(argument) : argument;
        return pool.preparedQuery(sql).execute(Tuple.of(value)).await().indefinitely().iterator().next();
    }
}
