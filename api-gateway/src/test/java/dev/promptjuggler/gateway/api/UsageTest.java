package dev.promptjuggler.gateway.api;

import static dev.promptjuggler.gateway.api.Api.as;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * GET /manage/v1/usage: runs accepted through the public API with two keys, finished as run-executor stores them
 * (usage and cost in executor.run_states, written here with SQL), and each grouping's totals compared with sums this
 * test computes itself from the runs' detail reads.
 */
@QuarkusTest
class UsageTest {

    private static final List<String> TOKENS = List.of("input", "inputCached", "inputCacheWrite", "output",
            "reasoning", "total");
    private static final List<String> COST = List.of("input", "cachedInput", "cacheWrite", "output", "webSearch",
            "total");

    @Inject
    Pool pool;

    private String admin;
    private String apiKey;
    private final Map<String, String> modelOfDefinition = new LinkedHashMap<>();
    private final List<String> runIds = new ArrayList<>();

    @BeforeEach
    void runsOfTwoKeysOverThreeDefinitions() {
        admin = Api.newTenant();
        apiKey = as(admin).body(Map.of("name", "batch")).post("/manage/v1/api-keys").then().statusCode(201)
                .extract().path("secret");
        String openai = prompt("openai", "gpt-5.5");
        String gemini = prompt("gemini", "gemini-2.5-flash");
        String workflow = as(admin).body(Map.of("name", "Usage Flow " + UUID.randomUUID(), "draft", Map.of("nodes", List.of())))
                .post("/manage/v1/workflows").then().statusCode(201).extract().path("slug");
        Api.publish(admin, "workflows", workflow);

        finished(run(admin, "prompts", openai), usage(100, 20, 0, 30, 5), cost(0.000125, 0.0000025, 0, 0.0003, 0));
        finished(run(admin, "prompts", openai), usage(7, 0, 0, 3, 0), cost(0.00000875, 0, 0, 0.00003, 0.01));
        finished(run(apiKey, "prompts", openai), usage(50, 0, 10, 10, 2), cost(0.0000625, 0, 0.0000125, 0.0001, 0));
        finished(run(apiKey, "prompts", gemini), usage(1000, 500, 0, 200, 0), cost(0.00015, 0.000015, 0, 0.0005, 0));
        // Tokens without a price (a model the catalogue lacked): counted in tokens, not in cost.
        finished(run(apiKey, "prompts", gemini), usage(3, 0, 0, 4, 0), null);
        finished(run(admin, "workflows", workflow), usage(40, 0, 0, 40, 0), cost(0.00005, 0, 0, 0.0004, 0));
        run(admin, "prompts", openai); // still pending: a run, but no tokens yet
    }

    @Test
    void eachGroupingAddsUpToWhatTheRunsShow() {
        List<JsonPath> runs = runIds.stream()
                .map(id -> as(admin).get("/manage/v1/runs/{id}", id).then().statusCode(200).extract().jsonPath())
                .toList();
        Map<String, Function<JsonPath, String>> groupings = new LinkedHashMap<>();
        groupings.put("definition", run -> run.getString("definition.id"));
        groupings.put("apiKey", run -> run.getString("apiKeyId"));
        groupings.put("day", run -> OffsetDateTime.parse(run.getString("createdAt")).withOffsetSameInstant(ZoneOffset.UTC)
                .toLocalDate().toString());
        groupings.put("model", run -> modelOfDefinition.get(run.getString("definition.slug")));

        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        groupings.forEach((groupBy, keyOf) -> {
            JsonPath usage = as(admin).queryParam("from", now.minusHours(1).toString())
                    .queryParam("to", now.plusHours(1).toString()).queryParam("groupBy", groupBy)
                    .get("/manage/v1/usage").then().statusCode(200).body("groupBy", equalTo(groupBy))
                    .extract().jsonPath();
            Map<String, List<JsonPath>> expected = new HashMap<>();
            runs.forEach(run -> expected.computeIfAbsent(keyOf.apply(run), key -> new ArrayList<>()).add(run));
            List<String> keys = usage.getList("groups.key");
            assertEquals(expected.keySet(), new HashSet<>(keys), groupBy);
            assertEquals(expected.size(), keys.size(), groupBy);
            for (int i = 0; i < keys.size(); i++) {
                assertSums(groupBy + " " + keys.get(i), expected.get(keys.get(i)), usage, "groups[" + i + "]");
            }
            assertSums(groupBy + " total", runs, usage, "total");
        });
    }

    @Test
    void groupsAreNamedAndTheRangeBoundsTheRuns() {
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        JsonPath byKey = as(admin).queryParam("from", now.minusHours(1).toString()).queryParam("to", now.plusHours(1).toString())
                .queryParam("groupBy", "apiKey").get("/manage/v1/usage").then().statusCode(200).extract().jsonPath();
        assertEquals(List.of("batch"), byKey.getList("groups.findAll { it.runs == 3 }.name"));
        JsonPath byDefinition = as(admin).queryParam("from", now.minusHours(1).toString())
                .queryParam("to", now.plusHours(1).toString()).queryParam("groupBy", "definition")
                .get("/manage/v1/usage").then().statusCode(200).extract().jsonPath();
        assertEquals(modelOfDefinition.keySet().stream().sorted().toList(),
                byDefinition.getList("groups.name").stream().filter(name -> ((String) name).startsWith("pr_")).sorted().toList());

        String firstCreatedAt = as(admin).get("/manage/v1/runs/{id}", runIds.get(0)).then().extract().path("createdAt");
        JsonPath before = as(admin).queryParam("from", now.minusDays(1).toString()).queryParam("to", firstCreatedAt)
                .get("/manage/v1/usage").then().statusCode(200).extract().jsonPath();
        assertEquals("day", before.getString("groupBy"));
        assertEquals(List.of(), before.getList("groups"));
        assertEquals(0, before.getInt("total.runs"));
        assertEquals(0, before.getLong("total.tokenUsage.total"));
        assertEquals(0.0, before.getDouble("total.cost.total"), 0.0);
        // Another tenant sees none of it.
        as(Api.newTenant()).queryParam("from", now.minusHours(1).toString()).queryParam("to", now.plusHours(1).toString())
                .get("/manage/v1/usage").then().statusCode(200).body("total.runs", equalTo(0));
    }

    @Test
    void badQueriesAreRefusedNamingTheParameter() {
        Map<String, Map<String, String>> cases = new LinkedHashMap<>();
        cases.put("from is required", Map.of("to", "2026-11-22"));
        cases.put("to is required", Map.of("from", "2026-11-22"));
        cases.put("from must", Map.of("from", "last week", "to", "2026-11-22"));
        cases.put("to must", Map.of("from", "2026-11-22", "to", "2026-11-22T25:00:00Z"));
        cases.put("from must be before to", Map.of("from", "2026-11-22", "to", "2026-11-22"));
        cases.put("groupBy must be one of definition, apiKey, day, model",
                Map.of("from", "2026-11-21", "to", "2026-11-22", "groupBy", "week"));
        cases.put("unknown query parameter group", Map.of("from", "2026-11-21", "to", "2026-11-22", "group", "day"));
        cases.forEach((message, query) -> as(admin).queryParams(query).get("/manage/v1/usage").then().statusCode(400)
                .body("error", containsString(message)));
    }

    private void assertSums(String what, List<JsonPath> runs, JsonPath usage, String path) {
        assertEquals(runs.size(), usage.getInt(path + ".runs"), what + " runs");
        long unpriced = runs.stream().filter(run -> run.get("tokenUsage") != null && run.get("cost") == null).count();
        assertEquals(unpriced, usage.getLong(path + ".unpricedRuns"), what + " unpricedRuns");
        for (String field : TOKENS) {
            long sum = runs.stream().filter(run -> run.get("tokenUsage") != null)
                    .mapToLong(run -> run.getLong("tokenUsage." + field)).sum();
            assertEquals(sum, usage.getLong(path + ".tokenUsage." + field), what + " tokens " + field);
        }
        for (String part : COST) {
            double sum = runs.stream().filter(run -> run.get("cost") != null)
                    .mapToDouble(run -> part.equals("total") ? run.getDouble("cost.total")
                            : run.getDouble("cost.success." + part) + run.getDouble("cost.retries." + part))
                    .sum();
            assertEquals(sum, usage.getDouble(path + ".cost." + part), 1e-12, what + " cost " + part);
        }
    }

    private String prompt(String provider, String model) {
        String slug = Api.createPrompt(admin, "Usage " + model, Map.of("provider", provider, "model", model,
                "messages", List.of(Map.of("role", "user", "content", "Hi {{x}}"))));
        Api.publish(admin, "prompts", slug);
        modelOfDefinition.put(slug, provider + "/" + model);
        return slug;
    }

    private String run(String key, String kindPath, String slug) {
        String id = as(key).body(Map.of("inputs", Map.of("x", "1"))).post("/api/v1/" + kindPath + "/{s}/1/runs", slug)
                .then().statusCode(200).extract().path("id");
        runIds.add(id);
        return id;
    }

    private void finished(String runId, String usage, String cost) {
        pool.preparedQuery("INSERT INTO executor.run_states (run_id, status, attempts, started_at, finished_at,"
                        + " token_usage, cost) VALUES ($1, 'completed', 1, now(), now(), $2::text::jsonb, $3::text::jsonb)")
                .execute(Tuple.of(UUID.fromString(runId), usage, cost)).await().indefinitely();
    }

    private static String usage(long input, long cached, long cacheWrite, long output, long reasoning) {
        return "{\"input\": " + input + ", \"inputCached\": " + cached + ", \"inputCacheWrite\": " + cacheWrite
                + ", \"output\": " + output + ", \"reasoning\": " + reasoning + ", \"total\": " + (input + output) + "}";
    }

    /** As run-executor stores a run's cost: its successful attempts' parts, no retries, and the total. */
    private static String cost(double input, double cachedInput, double cacheWrite, double output, double webSearch) {
        double total = input + cachedInput + cacheWrite + output + webSearch;
        String success = "{\"input\": " + input + ", \"cachedInput\": " + cachedInput + ", \"cacheWrite\": " + cacheWrite
                + ", \"output\": " + output + ", \"webSearch\": " + webSearch + ", \"total\": " + total + "}";
        String retries = "{\"input\": 0, \"cachedInput\": 0, \"cacheWrite\": 0, \"output\": 0, \"webSearch\": 0,"
                + " \"total\": 0}";
        return "{\"success\": " + success + ", \"retries\": " + retries + ", \"total\": " + total + "}";
    }
}
