package dev.promptjuggler.gateway.api;

import static dev.promptjuggler.gateway.api.Api.as;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Tenants are sealed: every endpoint that names a resource answers a stranger's key with 404 and no
 * data, exactly as for a resource that does not exist (never 403), and changes nothing.
 */
@QuarkusTest
class TenancyMatrixTest {

    @jakarta.inject.Inject
    io.vertx.mutiny.sqlclient.Pool pool;

    private String owner;
    private String stranger;
    private String prompt;
    private String workflow;
    private String promptRun;
    private String workflowRun;
    private String thread;
    private String apiKeyId;
    private String variableId;
    private String webhookId;
    private String knowledgeBase;
    private String documentId;
    private String datasource;
    private String app;

    @BeforeEach
    void ownerWithOneOfEverything() {
        owner = Api.newTenant();
        stranger = Api.newTenant();
        prompt = Api.createPrompt(owner, "Private", Api.promptDraft("Secret {{x}}"));
        Api.publish(owner, "prompts", prompt);
        as(owner).body(Map.of("version", 1)).put("/manage/v1/prompts/{slug}/tags/production", prompt).then().statusCode(200);
        workflow = as(owner).body(Map.of("name", "Private Flow " + UUID.randomUUID(), "draft", Map.of("nodes", List.of())))
                .post("/manage/v1/workflows").then().statusCode(201).extract().path("slug");
        Api.publish(owner, "workflows", workflow);
        var run = as(owner).body(Map.of("inputs", Map.of("x", "1"))).post("/api/v1/prompts/{slug}/1/runs", prompt)
                .then().statusCode(200).extract().jsonPath();
        promptRun = run.getString("id");
        thread = run.getString("thread");
        workflowRun = as(owner).body(Map.of("inputs", Map.of())).post("/api/v1/workflows/{slug}/1/runs", workflow)
                .then().statusCode(200).extract().path("id");
        apiKeyId = as(owner).body(Map.of("name", "k")).post("/manage/v1/api-keys").then().statusCode(201)
                .extract().path("key.id");
        variableId = as(owner).body(Map.of("value", "v")).put("/manage/v1/environment-variables/OWNER_ONLY")
                .then().statusCode(200).extract().path("id");
        webhookId = as(owner).body(Map.of("url", "https://hooks.example.com/owner")).post("/manage/v1/webhooks")
                .then().statusCode(201).extract().path("id");
        knowledgeBase = as(owner).body(Map.of("name", "Private KB " + UUID.randomUUID())).post("/manage/v1/knowledge-bases")
                .then().statusCode(201).extract().path("slug");
        documentId = io.restassured.RestAssured.given().auth().oauth2(owner)
                .multiPart("files[0]", "secret.txt", "Secret plans".getBytes(), "text/plain")
                .post("/api/v1/knowledge-bases/{slug}/documents", knowledgeBase)
                .then().statusCode(200).extract().path("[0].id");
        datasource = as(owner).get("/manage/v1/knowledge-bases/{slug}", knowledgeBase).then().extract().path("id");
        app = PromptlyAppsTest.promptly(owner).contentType("application/yaml")
                .body(PromptlyAppsTest.TRANSLATOR.formatted("Private App " + UUID.randomUUID()))
                .post("/api/apps").then().statusCode(201).extract().path("uuid");
    }

    @Test
    void everyEndpointAnswersAStrangerWith404() {
        Map<String, Function<String, Response>> calls = new java.util.LinkedHashMap<>();
        calls.put("GET prompt revision", k -> as(k).get("/api/v1/prompts/{s}/1", prompt));
        calls.put("GET prompt revision by tag", k -> as(k).get("/api/v1/prompts/{s}/production", prompt));
        calls.put("run prompt", k -> as(k).body(Map.of("inputs", Map.of("x", "1"))).post("/api/v1/prompts/{s}/1/runs", prompt));
        calls.put("run prompt on owner's thread", k -> as(k).body(Map.of("inputs", Map.of("x", "1"), "thread", thread))
                .post("/api/v1/prompts/{s}/1/runs", strangerPrompt(k)));
        calls.put("GET prompt run", k -> as(k).get("/api/v1/promptruns/{id}", promptRun));
        calls.put("run workflow", k -> as(k).body(Map.of("inputs", Map.of())).post("/api/v1/workflows/{s}/1/runs", workflow));
        calls.put("GET workflow run", k -> as(k).get("/api/v1/workflowruns/{id}", workflowRun));
        calls.put("GET thread", k -> as(k).get("/manage/v1/threads/{id}", thread));
        calls.put("fork thread", k -> as(k).body(Map.of("upToMessage", 1)).post("/manage/v1/threads/{id}/fork", thread));
        calls.put("erase thread", k -> as(k).delete("/manage/v1/threads/{id}", thread));
        calls.put("GET workflow run trace", k -> as(k).get("/manage/v1/workflow-runs/{id}/trace", workflowRun));
        calls.put("GET run (management)", k -> as(k).get("/manage/v1/runs/{id}", promptRun));
        calls.put("GET workflow run (management)", k -> as(k).get("/manage/v1/runs/{id}", workflowRun));
        calls.put("cancel prompt run", k -> as(k).post("/manage/v1/runs/{id}/cancel", promptRun));
        calls.put("cancel workflow run", k -> as(k).post("/manage/v1/runs/{id}/cancel", workflowRun));
        for (String kind : List.of("prompts", "workflows")) {
            String slug = kind.equals("prompts") ? prompt : workflow;
            calls.put("GET " + kind, k -> as(k).get("/manage/v1/" + kind + "/{s}", slug));
            calls.put("draft " + kind, k -> as(k).body(kind.equals("prompts") ? Api.promptDraft("x") : Map.of())
                    .put("/manage/v1/" + kind + "/{s}/draft", slug));
            calls.put("publish " + kind, k -> as(k).body(Map.of()).post("/manage/v1/" + kind + "/{s}/versions", slug));
            calls.put("versions " + kind, k -> as(k).get("/manage/v1/" + kind + "/{s}/versions", slug));
            calls.put("tag " + kind, k -> as(k).body(Map.of("version", 1)).put("/manage/v1/" + kind + "/{s}/tags/x", slug));
            calls.put("untag " + kind, k -> as(k).delete("/manage/v1/" + kind + "/{s}/tags/production", slug));
            calls.put("GET settings " + kind, k -> as(k).get("/manage/v1/" + kind + "/{s}/settings", slug));
            calls.put("PUT settings " + kind, k -> as(k).body(Map.of("runTimeoutSeconds", 1))
                    .put("/manage/v1/" + kind + "/{s}/settings", slug));
            calls.put("rename " + kind, k -> as(k).body(Map.of("name", "Taken Over")).post("/manage/v1/" + kind + "/{s}/rename", slug));
            calls.put("run the draft of " + kind, k -> as(k).body(Map.of("inputs", Map.of("x", "1")))
                    .post("/manage/v1/" + kind + "/{s}/draft/runs", slug));
            calls.put("archive " + kind, k -> as(k).delete("/manage/v1/" + kind + "/{s}", slug));
        }
        calls.put("revoke API key", k -> as(k).delete("/manage/v1/api-keys/{id}", apiKeyId));
        calls.put("update webhook", k -> as(k).body(Map.of("url", "https://evil.example/")).put("/manage/v1/webhooks/{id}", webhookId));
        calls.put("delete webhook", k -> as(k).delete("/manage/v1/webhooks/{id}", webhookId));
        calls.put("GET knowledge base", k -> as(k).get("/api/v1/knowledge-bases/{s}", knowledgeBase));
        calls.put("upload to knowledge base", k -> io.restassured.RestAssured.given().auth().oauth2(k)
                .multiPart("files[0]", "x.txt", "x".getBytes(), "text/plain")
                .post("/api/v1/knowledge-bases/{s}/documents", knowledgeBase));
        calls.put("GET knowledge document", k -> as(k).get("/api/v1/knowledge-documents/{id}", documentId));
        calls.put("DELETE knowledge document", k -> as(k).delete("/api/v1/knowledge-documents/{id}", documentId));
        calls.put("manage knowledge base", k -> as(k).get("/manage/v1/knowledge-bases/{s}", knowledgeBase));
        calls.put("search knowledge base", k -> as(k).body(Map.of("query", "plans"))
                .post("/manage/v1/knowledge-bases/{s}/search", knowledgeBase));
        calls.put("delete knowledge base", k -> as(k).delete("/manage/v1/knowledge-bases/{s}", knowledgeBase));
        calls.put("Promptly GET datasource", k -> PromptlyDatasourcesTest.promptly(k).get("/api/datasources/{u}", datasource));
        calls.put("Promptly entries", k -> PromptlyDatasourcesTest.promptly(k).get("/api/datasources/{u}/entries", datasource));
        calls.put("Promptly add entry", k -> PromptlyDatasourcesTest.promptly(k)
                .body(Map.of("entry_data", Map.of("content", "x"))).post("/api/datasources/{u}/entries", datasource));
        calls.put("Promptly delete entry", k -> PromptlyDatasourcesTest.promptly(k)
                .delete("/api/datasources/{u}/entries/{e}", datasource, documentId));
        calls.put("Promptly delete datasource", k -> PromptlyDatasourcesTest.promptly(k).delete("/api/datasources/{u}", datasource));
        calls.put("delete variable", k -> as(k).delete("/manage/v1/environment-variables/{id}", variableId));
        Map<String, Object> appInput = Map.of("input", Map.of("text", "Secret", "language", "x"));
        calls.put("PATCH Promptly app", k -> PromptlyAppsTest.promptly(k).contentType("application/yaml")
                .body("description: taken over").patch("/api/apps/{id}", app));
        calls.put("run Promptly app", k -> PromptlyAppsTest.promptly(k).contentType(ContentType.JSON).body(appInput)
                .post("/api/apps/{id}/run", app));
        calls.put("run Promptly app in owner's session", k -> PromptlyAppsTest.promptly(k).contentType(ContentType.JSON)
                .body(appInput).post("/api/apps/{id}/run/{session}", app, thread));
        calls.put("run own Promptly app in owner's session", k -> PromptlyAppsTest.promptly(k)
                .contentType(ContentType.JSON).body(appInput).post("/api/apps/{id}/run/{session}", strangerApp(k), thread));

        calls.forEach((name, call) -> call.apply(stranger).then().statusCode(404).body("$", hasKey("error"))
                .body("error", not(org.hamcrest.Matchers.containsString("Secret"))));

        // Nothing changed for the owner.
        as(owner).get("/manage/v1/threads/{id}", thread).then().statusCode(200)
                .body("runs.id", org.hamcrest.Matchers.hasItem(promptRun));
        as(owner).get("/api/v1/promptruns/{id}", promptRun).then().statusCode(200);
        as(owner).get("/manage/v1/prompts/{s}/versions", prompt).then().statusCode(200)
                .body("size()", org.hamcrest.Matchers.equalTo(1)).body("[0].tags", org.hamcrest.Matchers.contains("production"));
        as(owner).get("/manage/v1/prompts/{s}", prompt).then().statusCode(200).body("archivedAt", org.hamcrest.Matchers.nullValue());
        as(owner).get("/manage/v1/workflows/{s}", workflow).then().statusCode(200).body("archivedAt", org.hamcrest.Matchers.nullValue());
        as(owner).get("/manage/v1/prompts/{s}/settings", prompt).then().body("runTimeoutSeconds",
                org.hamcrest.Matchers.nullValue());
        org.junit.jupiter.api.Assertions.assertEquals(0L, pool.preparedQuery(
                "SELECT count(*) FROM gateway.run_cancellations WHERE run_id = ANY($1)")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of((Object) new UUID[] {UUID.fromString(promptRun),
                        UUID.fromString(workflowRun)}))
                .await().indefinitely().iterator().next().getLong(0), "the owner's runs were not cancelled");
        as(owner).get("/manage/v1/api-keys").then().body("find { it.id == '" + apiKeyId + "' }.revokedAt",
                org.hamcrest.Matchers.nullValue());
        as(owner).get("/manage/v1/environment-variables").then().body("id", org.hamcrest.Matchers.hasItem(variableId));
        as(owner).get("/manage/v1/webhooks").then().body("find { it.id == '" + webhookId + "' }.url",
                org.hamcrest.Matchers.equalTo("https://hooks.example.com/owner"));
        as(owner).get("/api/v1/knowledge-documents/{id}", documentId).then().statusCode(200);
        as(owner).get("/api/v1/knowledge-bases/{s}", knowledgeBase).then().statusCode(200)
                .body("documents.size()", org.hamcrest.Matchers.equalTo(1));
        // Lists show only the caller's own resources.
        as(stranger).get("/manage/v1/prompts").then().statusCode(200).body("slug", not(org.hamcrest.Matchers.hasItem(prompt)));
        as(stranger).get("/manage/v1/workflows").then().statusCode(200).body("size()", org.hamcrest.Matchers.equalTo(0));
        as(stranger).get("/manage/v1/workflows?archived=true").then().statusCode(200).body("size()", org.hamcrest.Matchers.equalTo(0));
        as(stranger).get("/manage/v1/environment-variables").then().statusCode(200).body("size()", org.hamcrest.Matchers.equalTo(0));
        as(stranger).get("/manage/v1/webhooks").then().statusCode(200).body("size()", org.hamcrest.Matchers.equalTo(0));
        // The retention setting is the caller's own.
        as(owner).body(Map.of("days", 7)).put("/manage/v1/retention").then().statusCode(200);
        as(stranger).get("/manage/v1/retention").then().statusCode(200).body("days", org.hamcrest.Matchers.nullValue());
        as(stranger).get("/manage/v1/knowledge-bases").then().statusCode(200).body("slug",
                not(org.hamcrest.Matchers.hasItem(knowledgeBase)));
        // The run history and usage: none of the owner's runs, whatever the filter names.
        for (Map<String, String> filter : List.of(Map.<String, String>of(), Map.of("thread", thread),
                Map.of("definition", prompt), Map.of("definition", workflow, "version", "1"))) {
            as(stranger).queryParams(filter).get("/manage/v1/runs").then().statusCode(200)
                    .body("runs.size()", org.hamcrest.Matchers.equalTo(0));
        }
        as(owner).get("/manage/v1/runs").then().statusCode(200).body("runs.id",
                org.hamcrest.Matchers.containsInAnyOrder(promptRun, workflowRun));
        as(stranger).queryParam("from", "2000-01-01").queryParam("to", "2999-01-01").get("/manage/v1/usage")
                .then().statusCode(200).body("total.runs", org.hamcrest.Matchers.equalTo(0));
        as(owner).queryParam("from", "2000-01-01").queryParam("to", "2999-01-01").get("/manage/v1/usage")
                .then().statusCode(200).body("total.runs", org.hamcrest.Matchers.equalTo(2));
        PromptlyDatasourcesTest.promptly(stranger).get("/api/datasources").then().statusCode(200).body("uuid",
                not(org.hamcrest.Matchers.hasItem(datasource)));
    }

    /** The stranger's own app, to show that only the owner's session is refused. */
    private String strangerApp(String key) {
        return PromptlyAppsTest.promptly(key).contentType("application/yaml")
                .body(PromptlyAppsTest.TRANSLATOR.formatted("Own App " + UUID.randomUUID()))
                .post("/api/apps").then().statusCode(201).extract().path("uuid");
    }

        /** The stranger's own prompt, to show that only the owner's thread is refused. */
    private String strangerPrompt(String key) {
        String slug = Api.createPrompt(key, "Own", Api.promptDraft("Mine {{x}}"));
        Api.publish(key, "prompts", slug);
        return slug;
    }
}
