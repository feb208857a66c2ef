package dev.promptjuggler.gateway.persistence;

import com.fasterxml.jackson.databind.JsonNode;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * A tenant's runs as the management API lists and shows them, read through {@code gateway.runs_with_state} (the
 * gateway's row and run-executor's state of it). Every filter the list takes is served by an index of
 * {@code gateway.runs} in page order (migration V16_10), which {@code RunHistoryQueryPlanTest} checks with EXPLAIN
 * on the statements built here.
 */
@ApplicationScoped
public class RunHistoryRepository {

    private static final String SUMMARY_COLUMNS = "v.id, v.kind, v.status, v.definition_id, d.slug, d.name,"
            + " v.revision_id, v.revision_version, v.thread_id, v.channel, v.priority, v.environment,"
            + " v.metadata::text AS metadata, v.api_key_id, v.created_at, v.started_at, v.finished_at";

    private final Pool pool;
    private final JsonColumns json;

    public RunHistoryRepository(Pool pool, JsonColumns json) {
        this.pool = pool;
        this.json = json;
    }

    /**
     * The statement {@link #list} runs: one page, newest first (ties by id), one row more than the page so the
     * caller knows whether another follows.
     */
    public Statement listStatement(RunQuery query) {
        StringBuilder sql = new StringBuilder("SELECT " + SUMMARY_COLUMNS + " FROM gateway.runs_with_state v"
                + " JOIN gateway.definitions d ON d.id = v.definition_id WHERE v.tenant_id = $1");
        List<Object> params = new ArrayList<>();
        params.add(query.tenantId());
        condition(sql, params, "v.kind = ", query.kind());
        condition(sql, params, "v.definition_id = ", query.definitionId());
        condition(sql, params, "v.revision_id = ", query.revisionId());
        condition(sql, params, "v.thread_id = ", query.threadId());
        condition(sql, params, "v.status = ", query.status());
        condition(sql, params, "v.priority = ", query.priority());
        condition(sql, params, "v.environment = ", query.environment());
        for (MetadataMatch match : query.metadata()) {
            // A metadata value is a string or an array of strings: either holding the value matches.
            params.add(json.write(Map.of(match.key(), match.value())));
            params.add(json.write(Map.of(match.key(), List.of(match.value()))));
            sql.append(" AND (v.metadata @> $").append(params.size() - 1).append("::text::jsonb")
                    .append(" OR v.metadata @> $").append(params.size()).append("::text::jsonb)");
        }
        condition(sql, params, "v.created_at > ", query.createdAfter());
        condition(sql, params, "v.created_at < ", query.createdBefore());
        if (query.after() != null) {
            params.add(query.after().createdAt());
            params.add(query.after().id());
            sql.append(" AND (v.created_at, v.id) < ($").append(params.size() - 1).append(", $")
                    .append(params.size()).append(")");
        }
        params.add(query.limit() + 1);
        sql.append(" ORDER BY v.created_at DESC, v.id DESC LIMIT $").append(params.size());
        return new Statement(sql.toString(), Tuple.from(params));
    }

    private static void condition(StringBuilder sql, List<Object> params, String comparison, Object value) {
        if (value != null) {
            params.add(value);
            sql.append(" AND ").append(comparison).append('$').append(params.size());
        }
    }

    /** @return up to {@code limit + 1} runs, newest first */
    public Uni<List<RunSummaryRow>> list(RunQuery query) {
        Statement statement = listStatement(query);
        return pool.preparedQuery(statement.sql()).execute(statement.params()).map(rows -> {
            List<RunSummaryRow> runs = new ArrayList<>(rows.size());
            rows.forEach(row -> runs.add(summary(row)));
            return runs;
        });
    }

    public Uni<Optional<RunDetailRow>> find(UUID tenantId, UUID id) {
        return pool.preparedQuery("SELECT " + SUMMARY_COLUMNS + ", v.inputs::text AS inputs, v.requeued_at,"
                        + " v.attempts, v.output, v.outputs::text AS outputs, v.error, v.errors::text AS errors,"
                        + " v.token_usage::text AS token_usage, v.cost::text AS cost, v.transcript::text AS transcript,"
                        + " v.emitted::text AS emitted"
                        + " FROM gateway.runs_with_state v JOIN gateway.definitions d ON d.id = v.definition_id"
                        + " WHERE v.tenant_id = $1 AND v.id = $2")
                .execute(Tuple.of(tenantId, id))
                .map(rows -> TenantRepository.first(rows).map(row -> new RunDetailRow(summary(row),
                        json.tree(row.getString("inputs")), row.getOffsetDateTime("requeued_at"),
                        row.getInteger("attempts"), row.getString("output"), json.tree(row.getString("outputs")),
                        row.getString("error"), json.tree(row.getString("errors")),
                        json.tree(row.getString("token_usage")), json.tree(row.getString("cost")),
                        json.tree(row.getString("transcript")), json.tree(row.getString("emitted")))));
    }

    /**
     * A definition of the tenant's named by its slug, a former slug or its id; prompts and workflows alike, archived
     * ones too (their runs stay readable, so they stay findable; {@code gateway.resolve_definition} skips them).
     */
    public Uni<Optional<UUID>> definition(UUID tenantId, String reference) {
        return pool.preparedQuery("SELECT d.id FROM gateway.definitions d WHERE d.tenant_id = $1"
                        + " AND (d.slug = $2 OR d.id::text = lower($2) OR d.id = (SELECT a.definition_id"
                        + " FROM gateway.slug_aliases a WHERE a.tenant_id = $1 AND a.slug = $2)) LIMIT 1")
                .execute(Tuple.of(tenantId, reference))
                .map(rows -> TenantRepository.first(rows).map(row -> row.getUUID("id")));
    }

    /** The revision a published version number or a tag of the definition names now; empty when none does. */
    public Uni<Optional<UUID>> revision(UUID definitionId, String versionOrTag) {
        return pool.preparedQuery("SELECT gateway.resolve_revision($1, $2) AS id")
                .execute(Tuple.of(definitionId, versionOrTag))
                .map(rows -> Optional.ofNullable(rows.iterator().next().getUUID("id")));
    }

    private RunSummaryRow summary(Row row) {
        return new RunSummaryRow(row.getUUID("id"), row.getString("kind"), row.getString("status"),
                row.getUUID("definition_id"), row.getString("slug"), row.getString("name"),
                row.getUUID("revision_id"), row.getInteger("revision_version"), row.getUUID("thread_id"),
                row.getString("channel"), row.getString("priority"), row.getString("environment"),
                json.tree(row.getString("metadata")), row.getUUID("api_key_id"), row.getOffsetDateTime("created_at"),
                row.getOffsetDateTime("started_at"), row.getOffsetDateTime("finished_at"));
    }

    /** SQL with its parameters, as it is sent. */
    public record Statement(String sql, Tuple params) {
    }

    /**
     * One page's filters; null = not filtered.
     *
     * @param revisionId a version's or tag's revision (the definition's id is then set too)
     * @param metadata   each must hold: the run's metadata has the key with that value (or an array holding it)
     * @param after      the last run of the previous page: the page continues after it
     */
    public record RunQuery(UUID tenantId, String kind, UUID definitionId, UUID revisionId, UUID threadId,
            String status, String priority, String environment, List<MetadataMatch> metadata,
            OffsetDateTime createdAfter, OffsetDateTime createdBefore, PagePosition after, int limit) {
    }

    public record MetadataMatch(String key, String value) {
    }

    /** Where a page ended: its last run's creation time and id. */
    public record PagePosition(OffsetDateTime createdAt, UUID id) {
    }

    public record RunSummaryRow(UUID id, String kind, String status, UUID definitionId, String definitionSlug,
            String definitionName, UUID revisionId, int revisionVersion, UUID threadId, String channel,
            String priority, String environment, JsonNode metadata, UUID apiKeyId, OffsetDateTime createdAt,
            OffsetDateTime startedAt, OffsetDateTime finishedAt) {
    }

    public record RunDetailRow(RunSummaryRow run, JsonNode inputs, OffsetDateTime requeuedAt, int attempts,
            String output, JsonNode outputs, String error, JsonNode errors, JsonNode tokenUsage, JsonNode cost,
            JsonNode transcript, JsonNode emitted) {
    }
}
