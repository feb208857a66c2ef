package dev.promptjuggler.gateway.api;

import static dev.promptjuggler.gateway.api.Api.as;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Workflows: the checks made on publishing, the inputs a run needs, the per-node trace and the run read. */
@QuarkusTest
class WorkflowApiTest {

    @Inject
    Pool pool;

    private String key;

    @BeforeEach
    void tenant() {
        key = Api.newTenant();
    }

    @Test
    void publishingRefusesEachBrokenRuleNamingTheNodeAndPublishesNothing() {
        String prompt = Api.createPrompt(key, "Answer", Api.promptDraft("Answer {{question}}"));
        Api.publish(key, "prompts", prompt);
        String foreignPrompt = Api.createPrompt(Api.newTenant(), "Foreign", Api.promptDraft("Hi"));
        String unpublished = createWorkflow(graph(List.of(node("q", "input", "question", null)), List.of()));
        String slug = createWorkflow(graph(List.of(node("q", "input", "question", null)), List.of()));
        Api.publish(key, "workflows", slug);
        String id = as(key).get("/manage/v1/workflows/{slug}", slug).then().extract().path("id");

        assertRefused(slug, Map.of("nodes", "all of them"), "the draft is not a workflow definition: nodes must be an array");
        assertRefused(slug, Map.of("nodes", List.of(Map.of("id", "q", "type", "input", "settings", "none"))),
                "the draft is not a workflow definition: nodes[0].settings must be an object");
        assertRefused(slug, Map.of("nodes", Arrays.asList(node("q", "input", "question", null), null)),
                "the draft is not a workflow definition: nodes and edges cannot hold null");
        assertRefused(slug, graph(List.of(node("t", "teleport", "Beam", null)), List.of()), "node t: unknown type teleport");
        assertRefused(slug, graph(List.of(node("q", "input", "question", null)), List.of(edge("q", "ghost"))),
                "node q: an edge points to ghost, which is not a node of this workflow");
        assertRefused(slug, graph(List.of(node("q", "input", "question", null), node("q2", "input", "question", null)),
                List.of()), "node q2: another input node is named question");
        assertRefused(slug, graph(List.of(node("a", "string", "A", Map.of("operation", "trim")),
                        node("b", "string", "B", Map.of("operation", "trim"))), List.of(edge("a", "b"), edge("b", "a"))),
                "node a: it is part of a cycle that does not go back through a loop node's feedback input");
        assertRefused(slug, graph(List.of(promptNode(prompt, "production")), List.of()),
                "node p: prompt " + prompt + " has no published version production");
        assertRefused(slug, graph(List.of(promptNode(prompt, 2)), List.of()),
                "node p: prompt " + prompt + " has no published version 2");
        assertRefused(slug, graph(List.of(promptNode("pr_nothing", 1)), List.of()), "node p: no prompt pr_nothing");
        assertRefused(slug, graph(List.of(promptNode(foreignPrompt, 1)), List.of()), "node p: no prompt " + foreignPrompt);
        assertRefused(slug, graph(List.of(workflowNode(unpublished, "1")), List.of()),
                "node w: workflow " + unpublished + " has no published version 1");
        assertRefused(slug, graph(List.of(workflowNode(slug, "1")), List.of()), "node w: a workflow cannot run itself");
        assertRefused(slug, graph(List.of(workflowNode(id, "1")), List.of()), "node w: a workflow cannot run itself");
    }

    @Test
    void aGraphOfPublishedDefinitionsPublishesAndItsRunsNeedEveryInputNode() {
        String prompt = Api.createPrompt(key, "Answer", Api.promptDraft("Answer {{question}}"));
        Api.publish(key, "prompts", prompt);
        as(key).body(Map.of("version", 1)).put("/manage/v1/prompts/{slug}/tags/production", prompt).then().statusCode(200);
        String renamed = as(key).body(Map.of("name", "Renamed " + UUID.randomUUID()))
                .post("/manage/v1/prompts/{slug}/rename", prompt).then().statusCode(200).extract().path("slug");
        String nested = createWorkflow(graph(List.of(node("x", "input", "x", null)), List.of()));
        Api.publish(key, "workflows", nested);
        String nestedId = as(key).get("/manage/v1/workflows/{slug}", nested).then().extract().path("id");

        String slug = createWorkflow(graph(List.of(
                        node("q", "input", "question", null),
                        node("t", "input", "tone", null),
                        node("p", "prompt", "Answer", Map.of("prompt", renamed, "version", "production")),
                        node("f", "fanout", "Each", Map.of("prompt", prompt, "version", 1)),
                        node("w", "workflow", "Nested", Map.of("workflow", nestedId, "version", 1)),
                        node("out", "output", "answer", null)),
                List.of(edge("q", "p", "question"), edge("p", "out"))));
        Api.publish(key, "workflows", slug);

        as(key).body(Map.of("inputs", Map.of("tone", "dry"))).post("/api/v1/workflows/{slug}/1/runs", slug)
                .then().statusCode(422).body("error", equalTo("inputs is missing question (Input nodes of version 1)"));
        as(key).body(Map.of("inputs", Map.of())).post("/api/v1/workflows/{slug}/1/runs", slug)
                .then().statusCode(422).body("error", equalTo("inputs is missing question, tone (Input nodes of version 1)"));
        as(key).body(Map.of("inputs", Map.of("question", "why?", "tone", "dry", "extra", "ignored")))
                .post("/api/v1/workflows/{slug}/1/runs", slug).then().statusCode(200);
    }

    @Test
    void theTraceListsTheNodesAsStoredAndTheRunReadShowsTheExecutorsResults() {
        String slug = createWorkflow(graph(List.of(node("q", "input", "question", null)), List.of()));
        Api.publish(key, "workflows", slug);
        String id = as(key).body(Map.of("inputs", Map.of("question", "why?"))).post("/api/v1/workflows/{slug}/1/runs", slug)
                .then().statusCode(200).extract().path("id");
        UUID run = UUID.fromString(id);
        String usage = "{\"input\": 10, \"inputCached\": 0, \"output\": 5, \"reasoning\": 0, \"total\": 15}";
        // As run-executor stores them: seq follows the order of the inserts, not the node ids.
        sql("INSERT INTO executor.workflow_node_results (run_id, node_key, visit, node_type, node_name, status,"
                + " outputs, error, token_usage, started_at, finished_at) VALUES"
                + " ($1, 'q', 1, 'input', 'question', 'completed', '{\"out\": \"why?\"}', NULL, NULL,"
                + "  '2030-01-01T10:00:00Z', '2030-01-01T10:00:00.002Z'),"
                + " ($1, 'p', 1, 'prompt', 'Answer', 'completed', '{\"out\": \"draft\"}', NULL, $2::text::jsonb,"
                + "  '2030-01-01T10:00:00.010Z', '2030-01-01T10:00:01.510Z'),"
                + " ($1, 'p', 2, 'prompt', 'Answer', 'failed', '{}', 'provider said no', NULL,"
                + "  '2030-01-01T10:00:02Z', '2030-01-01T10:00:02.250Z'),"
                + " ($1, 'out', 1, 'output', 'answer', 'skipped', '{}', NULL, NULL,"
                + "  '2030-01-01T10:00:03Z', '2030-01-01T10:00:03Z')", Tuple.of(run, usage));
        sql("INSERT INTO executor.run_states (run_id, status, finished_at, outputs, errors, token_usage, cost)"
                + " VALUES ($1, 'failed', now(), '{\"draft\": \"draft\"}', '[\"node Answer: provider said no\"]',"
                + " $2::text::jsonb, '{\"success\": {\"input\": 0.1, \"cachedInput\": 0, \"cacheWrite\": 0, \"output\": 0.2,"
                + " \"webSearch\": 0, \"total\": 0.3}, \"retries\": {\"input\": 0, \"cachedInput\": 0, \"cacheWrite\": 0,"
                + " \"output\": 0, \"webSearch\": 0, \"total\": 0}, \"total\": 0.3}')", Tuple.of(run, usage));

        as(key).get("/manage/v1/workflow-runs/{id}/trace", id).then().statusCode(200)
                .body("nodes.nodeId", contains("q", "p", "p", "out"))
                .body("nodes.iteration", contains(1, 1, 2, 1))
                .body("nodes.type", contains("input", "prompt", "prompt", "output"))
                .body("nodes.name", contains("question", "Answer", "Answer", "answer"))
                .body("nodes.status", contains("completed", "completed", "failed", "skipped"))
                .body("nodes.durationMs", contains(2, 1500, 250, 0))
                .body("nodes[1].tokenUsage.total", equalTo(15))
                .body("nodes[1].startedAt", notNullValue())
                .body("nodes[0].tokenUsage", nullValue())
                .body("nodes[2].error", equalTo("provider said no"));
        as(key).get("/api/v1/workflowruns/{id}", id).then().statusCode(200)
                .body("status", equalTo("failed")).body("finishedAt", notNullValue())
                .body("outputs.draft", equalTo("draft"))
                .body("errors", contains("node Answer: provider said no"))
                .body("tokenUsage.total", equalTo(15))
                .body("cost.total", equalTo(0.3f));

        as(key).get("/manage/v1/workflow-runs/{id}/trace", UUID.randomUUID()).then().statusCode(404);
        String prompt = Api.createPrompt(key, "Plain", Api.promptDraft("Hi"));
        Api.publish(key, "prompts", prompt);
        String promptRun = as(key).body(Map.of("inputs", Map.of())).post("/api/v1/prompts/{slug}/1/runs", prompt)
                .then().statusCode(200).extract().path("id");
        as(key).get("/manage/v1/workflow-runs/{id}/trace", promptRun).then().statusCode(404);
    }

    private void assertRefused(String slug, Map<String, Object> draft, String error) {
        as(key).body(draft).put("/manage/v1/workflows/{slug}/draft", slug).then().statusCode(200);
        as(key).body(Map.of("changeNote", "broken")).post("/manage/v1/workflows/{slug}/versions", slug)
                .then().statusCode(422).body("error", equalTo(error));
        as(key).get("/manage/v1/workflows/{slug}/versions", slug).then().statusCode(200).body("version", contains(1));
    }

    private String createWorkflow(Map<String, Object> draft) {
        return as(key).body(Map.of("name", "Flow " + UUID.randomUUID(), "draft", draft))
                .post("/manage/v1/workflows").then().statusCode(201).extract().path("slug");
    }

    private void sql(String statement, Tuple arguments) {
        pool.preparedQuery(statement).execute(arguments).await().indefinitely();
    }

    private static Map<String, Object> graph(List<Map<String, Object>> nodes, List<Map<String, Object>> edges) {
        return Map.of("nodes", new ArrayList<>(nodes), "edges", edges);
    }

    private static Map<String, Object> node(String id, String type, String name, Map<String, Object> settings) {
        Map<String, Object> node = new HashMap<>(Map.of("id", id, "type", type, "name", name));
        if (settings != null) {
            node.put("settings", settings);
        }
        return node;
    }

    private static Map<String, Object> promptNode(String prompt, Object version) {
        return node("p", "prompt", "Answer", Map.of("prompt", prompt, "version", version));
    }

    private static Map<String, Object> workflowNode(String workflow, String version) {
        return node("w", "workflow", "Nested", Map.of("workflow", workflow, "version", version));
    }

    private static Map<String, Object> edge(String from, String to) {
        return Map.of("from", from, "to", to);
    }

    private static Map<String, Object> edge(String from, String to, String toHandle) {
        return Map.of("from", from, "to", to, "toHandle", toHandle);
    }
}
