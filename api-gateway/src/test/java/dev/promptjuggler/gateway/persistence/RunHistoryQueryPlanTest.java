package dev.promptjuggler.gateway.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.promptjuggler.gateway.persistence.RunHistoryRepository.MetadataMatch;
import dev.promptjuggler.gateway.persistence.RunHistoryRepository.PagePosition;
import dev.promptjuggler.gateway.persistence.RunHistoryRepository.RunQuery;
import dev.promptjuggler.gateway.persistence.RunHistoryRepository.Statement;
import dev.promptjuggler.gateway.persistence.UsageRepository.Grouping;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The run history's statements, exactly as {@link RunHistoryRepository} and {@link UsageRepository} build them, are
 * planned by PostgreSQL over an index of {@code gateway.runs}, never a sequential scan of it. The planner's own
 * choice on a realistic table: {@value #TENANTS} tenants of {@value #RUNS_PER_TENANT} finished runs each, spread
 * over months, with statistics taken ({@code ANALYZE}); nothing is forced off. The seeded rows are removed after.
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RunHistoryQueryPlanTest {

    private static final int TENANTS = 20;
    private static final int RUNS_PER_TENANT = 5_000;

    @Inject
    Pool pool;

    @Inject
    RunHistoryRepository runs;

    private final ObjectMapper mapper = new ObjectMapper();
    private final List<UUID> tenants = IntStream.range(0, TENANTS).mapToObj(i -> UUID.randomUUID()).toList();
    private UUID tenant;
    private UUID definition;
    private UUID revision;
    private UUID thread;

    @BeforeAll
    void manyTenantsWithManyRuns() {
        UUID[] ids = tenants.toArray(UUID[]::new);
        sql("INSERT INTO gateway.tenants (id, name) SELECT t, 'plan ' || t FROM unnest($1::uuid[]) t", Tuple.of(ids));
        sql("INSERT INTO gateway.definitions (id, tenant_id, name, slug, draft, kind)"
                + " SELECT gen_random_uuid(), t, 'Plan ' || n, 'pr_plan_' || n || '_' || t, '{}', 'prompt'"
                + " FROM unnest($1::uuid[]) t, generate_series(1, 4) n", Tuple.of(ids));
        sql("INSERT INTO gateway.revisions (id, tenant_id, definition_id, version, config)"
                + " SELECT gen_random_uuid(), d.tenant_id, d.id, v, '{\"provider\": \"openai\", \"model\": \"gpt-5.5\"}'"
                + " FROM gateway.definitions d, generate_series(1, 3) v WHERE d.tenant_id = ANY ($1)", Tuple.of(ids));
        sql("INSERT INTO gateway.threads (id, tenant_id) SELECT gen_random_uuid(), t"
                + " FROM unnest($1::uuid[]) t, generate_series(1, 500)", Tuple.of(ids));
        // Written directly rather than with PendingRuns: the rows need creation times spread over months.
        sql("INSERT INTO gateway.runs (id, tenant_id, kind, thread_id, channel, priority, environment, revision_id,"
                + " revision_version, inputs, metadata, created_at)"
                + " SELECT gen_random_uuid(), t, 'prompt', th.ids[1 + i % 500], 'default',"
                + " (ARRAY['onsite', 'normal', 'low'])[1 + i % 3], CASE WHEN i % 10 = 0 THEN 'staging' ELSE 'production' END,"
                + " rv.ids[1 + i % 12], rv.versions[1 + i % 12], '{}',"
                + " jsonb_build_object('customer', 'c' || (i % 200), 'labels', jsonb_build_array('l' || (i % 7))),"
                + " now() - make_interval(secs => i * 1000 + random())"
                + " FROM unnest($1::uuid[]) t"
                + " CROSS JOIN LATERAL (SELECT array_agg(id ORDER BY id) ids FROM gateway.threads WHERE tenant_id = t) th"
                + " CROSS JOIN LATERAL (SELECT array_agg(id ORDER BY id) ids, array_agg(version ORDER BY id) versions"
                + "   FROM gateway.revisions WHERE tenant_id = t) rv"
                + " CROSS JOIN generate_series(1, $2) i", Tuple.of(ids, RUNS_PER_TENANT));
        // Finished, as run-executor leaves them: no sweeper takes them for runs still owed.
        sql("INSERT INTO executor.run_states (run_id, status, attempts, started_at, finished_at, notified_at,"
                + " token_usage, cost)"
                + " SELECT id, CASE WHEN random() < 0.02 THEN 'failed' ELSE 'completed' END, 1, created_at,"
                + " created_at + interval '2 seconds', created_at + interval '2 seconds',"
                + " '{\"input\": 10, \"inputCached\": 0, \"output\": 5, \"reasoning\": 0, \"total\": 15}',"
                + " '{\"success\": {\"input\": 0.1, \"output\": 0.2, \"total\": 0.3}, \"total\": 0.3}'"
                + " FROM gateway.runs WHERE tenant_id = ANY ($1)", Tuple.of(ids));
        pool.query("ANALYZE gateway.runs").execute().await().indefinitely();
        pool.query("ANALYZE executor.run_states").execute().await().indefinitely();
        pool.query("ANALYZE gateway.definitions").execute().await().indefinitely();
        tenant = tenants.get(7);
        Row some = pool.preparedQuery("SELECT definition_id, revision_id, thread_id FROM gateway.runs"
                        + " WHERE tenant_id = $1 LIMIT 1").execute(Tuple.of(tenant)).await().indefinitely()
                .iterator().next();
        definition = some.getUUID("definition_id");
        revision = some.getUUID("revision_id");
        thread = some.getUUID("thread_id");
    }

    @AfterAll
    void removeTheSeededRows() {
        UUID[] ids = tenants.toArray(UUID[]::new);
        sql("DELETE FROM executor.run_states s USING gateway.runs r WHERE r.id = s.run_id AND r.tenant_id = ANY ($1)",
                Tuple.of(ids));
        for (String table : List.of("runs", "threads", "revisions", "definitions", "tenants")) {
            sql("DELETE FROM gateway." + table + " WHERE " + (table.equals("tenants") ? "id" : "tenant_id")
                    + " = ANY ($1)", Tuple.of(ids));
        }
    }

    @Test
    void everyFilterShapeOfTheListIsServedByAnIndexOfRuns() {
        OffsetDateTime weekAgo = OffsetDateTime.now(ZoneOffset.UTC).minusDays(7);
        Map<String, RunQuery> shapes = new LinkedHashMap<>();
        shapes.put("newest first", query(null, null, null, null, List.of(), null, null, null));
        shapes.put("next page", query(null, null, null, null, List.of(), null, null,
                new PagePosition(weekAgo, UUID.randomUUID())));
        shapes.put("definition", query(null, definition, null, null, List.of(), null, null, null));
        shapes.put("version", query(null, definition, revision, null, List.of(), null, null, null));
        shapes.put("thread", new RunQuery(tenant, null, null, null, thread, null, null, null, List.of(), null, null,
                null, 50));
        shapes.put("metadata", query(null, null, null, null, List.of(new MetadataMatch("customer", "c17")), null,
                null, null));
        shapes.put("two metadata keys", query(null, null, null, null,
                List.of(new MetadataMatch("customer", "c17"), new MetadataMatch("labels", "l3")), null, null, null));
        shapes.put("status", query(null, null, null, "failed", List.of(), null, null, null));
        shapes.put("kind, priority, environment", new RunQuery(tenant, "prompt", null, null, null, null, "low",
                "staging", List.of(), null, null, null, 51));
        shapes.put("created in a week", query(null, null, null, null, List.of(), weekAgo,
                weekAgo.plusDays(7), null));
        shapes.put("definition, metadata and time", query(null, definition, null, null,
                List.of(new MetadataMatch("customer", "c17")), weekAgo.minusDays(30), null, null));

        List<String> problems = new ArrayList<>();
        shapes.forEach((shape, query) -> {
            Statement statement = runs.listStatement(query);
            JsonNode plan = explain(statement.sql(), statement.params());
            problems.addAll(problems(shape, plan));
        });
        assertEquals(List.of(), problems);
    }

    @Test
    void usageOfATimeRangeIsServedByAnIndexOfRuns() {
        OffsetDateTime to = OffsetDateTime.now(ZoneOffset.UTC);
        List<String> problems = new ArrayList<>();
        for (Grouping grouping : Grouping.values()) {
            JsonNode plan = explain(UsageRepository.totalsStatement(grouping), Tuple.of(tenant, to.minusDays(7), to));
            problems.addAll(problems("usage by " + grouping, plan));
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void theSeededTenantIsTheOnlyOneItsQueriesSee() {
        // The statements the plans are taken of return the tenant's runs, and only its.
        Statement statement = runs.listStatement(query(null, definition, null, null, List.of(), null, null, null));
        List<UUID> listed = new ArrayList<>();
        pool.preparedQuery(statement.sql()).execute(statement.params()).await().indefinitely()
                .forEach(row -> listed.add(row.getUUID("id")));
        assertEquals(51, listed.size());
        long theirs = pool.preparedQuery("SELECT count(*) FROM gateway.runs WHERE id = ANY ($1) AND tenant_id = $2"
                        + " AND definition_id = $3")
                .execute(Tuple.of(listed.toArray(UUID[]::new), tenant, definition)).await().indefinitely()
                .iterator().next().getLong(0);
        assertEquals(51, theirs);
    }

    private RunQuery query(String kind, UUID definitionId, UUID revisionId, String status, List<MetadataMatch> metadata,
            OffsetDateTime after, OffsetDateTime before, PagePosition position) {
        return new RunQuery(tenant, kind, definitionId, revisionId, null, status, null, null, metadata, after, before,
                position, 50);
    }

    /** What is wrong with a plan: a sequential scan of gateway.runs, or no index of it used at all. */
    private static List<String> problems(String shape, JsonNode plan) {
        List<JsonNode> nodes = new ArrayList<>();
        collect(plan, nodes);
        List<String> problems = new ArrayList<>();
        boolean indexed = false;
        for (JsonNode node : nodes) {
            if (!"runs".equals(node.path("Relation Name").asText()) || !"gateway".equals(node.path("Schema").asText())) {
                continue;
            }
            String type = node.path("Node Type").asText();
            if (type.equals("Seq Scan")) {
                problems.add(shape + ": Seq Scan on gateway.runs in " + plan);
            }
            indexed |= Set.of("Index Scan", "Index Only Scan", "Bitmap Heap Scan").contains(type);
        }
        if (!indexed) {
            problems.add(shape + ": no index of gateway.runs used in " + plan);
        }
        return problems;
    }

    private static void collect(JsonNode node, List<JsonNode> into) {
        into.add(node);
        node.path("Plans").forEach(child -> collect(child, into));
    }

    private JsonNode explain(String sql, Tuple params) {
        Row row = pool.preparedQuery("EXPLAIN (FORMAT JSON, VERBOSE) " + sql).execute(params).await().indefinitely()
                .iterator().next();
        try {
            return mapper.readTree(String.valueOf(row.getValue(0))).get(0).get("Plan");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void sql(String statement, Tuple arguments) {
        pool.preparedQuery(statement).execute(arguments).await().indefinitely();
    }
}
