package dev.promptjuggler.gateway.persistence;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * Token and cost totals of a tenant's runs created in a time range, read through {@code gateway.runs_with_state}
 * (the usage and cost run-executor stored with each run) and summed by PostgreSQL, exactly ({@code numeric}).
 */
@ApplicationScoped
public class UsageRepository {

    private static final List<String> TOKEN_FIELDS =
            List.of("input", "inputCached", "inputCacheWrite", "output", "reasoning", "total");
    /** The SDK's {@code ModelCost} parts; a run's cost is its successful attempts' plus its retries'. */
    private static final List<String> COST_PARTS = List.of("input", "cachedInput", "cacheWrite", "output", "webSearch");

    private final Pool pool;

    public UsageRepository(Pool pool) {
        this.pool = pool;
    }

    /** The statement {@link #totals} runs, ordered by group key. */
    public static String totalsStatement(Grouping grouping) {
        StringBuilder sql = new StringBuilder("SELECT ").append(grouping.key).append(" AS key, ")
                .append(grouping.name).append(" AS name, count(*) AS runs,")
                .append(" count(*) FILTER (WHERE v.token_usage IS NOT NULL AND v.cost IS NULL) AS unpriced_runs");
        for (String field : TOKEN_FIELDS) {
            sql.append(", coalesce(sum((v.token_usage->>'").append(field).append("')::bigint), 0) AS ")
                    .append(column("tokens_", field));
        }
        for (String part : COST_PARTS) {
            sql.append(", coalesce(sum((v.cost->'success'->>'").append(part).append("')::numeric), 0)")
                    .append(" + coalesce(sum((v.cost->'retries'->>'").append(part).append("')::numeric), 0) AS ")
                    .append(column("cost_", part));
        }
        sql.append(", coalesce(sum((v.cost->>'total')::numeric), 0) AS cost_total")
                .append(" FROM gateway.runs_with_state v ").append(grouping.join)
                .append(" WHERE v.tenant_id = $1 AND v.created_at >= $2 AND v.created_at < $3")
                .append(" GROUP BY 1, 2 ORDER BY 1 NULLS LAST");
        return sql.toString();
    }

    /** A result column for a JSON field: unquoted, PostgreSQL folds names to lower case. */
    private static String column(String prefix, String field) {
        return prefix + field.toLowerCase(Locale.ROOT);
    }

    /** One row per group that has runs created in [from, to). */
    public Uni<List<GroupTotals>> totals(UUID tenantId, OffsetDateTime from, OffsetDateTime to, Grouping grouping) {
        return pool.preparedQuery(totalsStatement(grouping)).execute(Tuple.of(tenantId, from, to)).map(rows -> {
            List<GroupTotals> groups = new ArrayList<>(rows.size());
            rows.forEach(row -> groups.add(group(row)));
            return groups;
        });
    }

    private static GroupTotals group(Row row) {
        List<Long> tokens = TOKEN_FIELDS.stream().map(field -> row.getLong(column("tokens_", field))).toList();
        List<BigDecimal> cost = new ArrayList<>();
        COST_PARTS.forEach(part -> cost.add(row.getBigDecimal(column("cost_", part))));
        cost.add(row.getBigDecimal("cost_total"));
        return new GroupTotals(row.getString("key"), row.getString("name"), row.getLong("runs"),
                row.getLong("unpriced_runs"), new Tokens(tokens.get(0), tokens.get(1), tokens.get(2), tokens.get(3),
                        tokens.get(4), tokens.get(5)),
                new Cost(cost.get(0), cost.get(1), cost.get(2), cost.get(3), cost.get(4), cost.get(5)));
    }

    /** What the runs are grouped by: the group's key and display name, and what must be joined to know them. */
    public enum Grouping {
        DEFINITION("v.definition_id::text", "d.slug", "JOIN gateway.definitions d ON d.id = v.definition_id"),
        API_KEY("v.api_key_id::text", "k.name", "LEFT JOIN gateway.api_keys k ON k.id = v.api_key_id"),
        DAY("to_char(v.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')", "NULL::text", ""),
        // A prompt run's model is its revision's; a workflow's nodes may use several, so workflow runs have none.
        MODEL("CASE WHEN v.kind = 'prompt' THEN (r.config->>'provider') || '/' || (r.config->>'model') END",
                "NULL::text", "JOIN gateway.revisions r ON r.id = v.revision_id");

        private final String key;
        private final String name;
        private final String join;

        Grouping(String key, String name, String join) {
            this.key = key;
            this.name = name;
            this.join = join;
        }
    }

    /**
     * @param unpricedRuns runs with token usage but no cost (a model without a price): their tokens are counted,
     *                     their cost is not
     */
    public record GroupTotals(String key, String name, long runs, long unpricedRuns, Tokens tokens, Cost cost) {
    }

    public record Tokens(long input, long inputCached, long inputCacheWrite, long output, long reasoning,
            long total) {

        public Tokens plus(Tokens other) {
            return new Tokens(input + other.input, inputCached + other.inputCached,
                    inputCacheWrite + other.inputCacheWrite, output + other.output, reasoning + other.reasoning,
                    total + other.total);
        }
    }

    /** US dollars, exact sums of what the runs stored. */
    public record Cost(BigDecimal input, BigDecimal cachedInput, BigDecimal cacheWrite, BigDecimal output,
            BigDecimal webSearch, BigDecimal total) {

        public Cost plus(Cost other) {
            return new Cost(input.add(other.input), cachedInput.add(other.cachedInput),
                    cacheWrite.add(other.cacheWrite), output.add(other.output), webSearch.add(other.webSearch),
                    total.add(other.total));
        }
    }
}
