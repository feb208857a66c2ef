package dev.promptjuggler.executor.persistence;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.promptjuggler.executor.scheduling.WorkerId;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Workflow node results ({@code executor.workflow_node_results}): stored when a node finishes, read when a
 * run resumes (its stored results are reused, so a finished node never runs twice) and by the trace.
 * Written only while the run is pending and this worker holds its lease.
 */
@ApplicationScoped
public class WorkflowStore {

    private final Pool pool;
    private final ObjectMapper json;
    private final String owner;

    public WorkflowStore(Pool pool, ObjectMapper json, WorkerId worker) {
        this.pool = pool;
        this.json = json;
        this.owner = worker.value();
    }

    /**
     * One node visit's result as stored.
     *
     * @param outputs    handle → value of the outputs it activated
     * @param tokenUsage the SDK's {@code TokenUsage} as JSON text, or null
     * @param cost       the SDK's {@code RunCost} as JSON text, or null
     */
    public record NodeRow(String nodeKey, int visit, String nodeType, String nodeName, String status,
            Map<String, String> outputs, String error, String tokenUsage, String cost, Instant startedAt) {
    }

    /** The run's stored node results by {@code nodeKey#visit}. */
    public Uni<Map<String, NodeRow>> results(UUID runId) {
        return pool.preparedQuery("SELECT node_key, visit, node_type, node_name, status, outputs::text AS outputs, error,"
                        + " token_usage::text AS token_usage, cost::text AS cost, started_at"
                        + " FROM executor.workflow_node_results WHERE run_id = $1")
                .execute(Tuple.of(runId))
                .map(rows -> {
                    Map<String, NodeRow> results = new HashMap<>();
                    for (Row row : rows) {
                        NodeRow stored = new NodeRow(row.getString("node_key"), row.getInteger("visit"),
                                row.getString("node_type"), row.getString("node_name"), row.getString("status"),
                                read(row.getString("outputs")), row.getString("error"), row.getString("token_usage"),
                                row.getString("cost"), row.getOffsetDateTime("started_at").toInstant());
                        results.put(stored.nodeKey() + "#" + stored.visit(), stored);
                    }
                    return results;
                });
    }

    /**
     * Stores node results (once: a visit stored before is left as it is), and for a Prompt node the turn
     * its memory mode keeps, in the same statement.
     *
     * @param remember messages appended to {@code channel} of the run's thread, in order (empty: none)
     */
    public Uni<Void> record(UUID runId, List<NodeRow> nodes, String channel, List<RunStore.Remembered> remember) {
        if (nodes.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return pool.preparedQuery("WITH run AS (SELECT r.id, r.thread_id FROM gateway.runs r"
                        + "   JOIN executor.run_states s ON s.run_id = r.id"
                        + "   WHERE r.id = $1 AND s.status = 'pending' AND s.lease_owner = $2),"
                        + " stored AS (INSERT INTO executor.workflow_node_results (run_id, node_key, visit, node_type,"
                        + "   node_name, status, outputs, error, token_usage, cost, started_at)"
                        + "   SELECT run.id, n.node_key, n.visit, n.node_type, n.node_name, n.status, n.outputs, n.error,"
                        + "   n.token_usage, n.cost, n.started_at FROM run,"
                        + "   jsonb_to_recordset($3::text::jsonb) AS n(node_key text, visit int, node_type text, node_name text,"
                        + "     status text, outputs jsonb, error text, token_usage jsonb, cost jsonb, started_at timestamptz)"
                        + "   ON CONFLICT (run_id, node_key, visit) DO NOTHING RETURNING node_key)"
                        + " INSERT INTO executor.thread_messages (thread_id, channel, run_id, role, content)"
                        + " SELECT run.thread_id, $4, run.id, m.role, m.content FROM run,"
                        + " ROWS FROM (jsonb_to_recordset($5::text::jsonb) AS (role text, content text))"
                        + " WITH ORDINALITY AS m(role, content, position)"
                        + " WHERE EXISTS (SELECT 1 FROM stored) ORDER BY m.position")
                .execute(Tuple.of(runId, owner, rows(nodes), channel, write(remember)))
                .replaceWithVoid();
    }

    private String rows(List<NodeRow> nodes) {
        return write(nodes.stream().map(node -> {
            Map<String, Object> row = new HashMap<>();
            row.put("node_key", node.nodeKey());
            row.put("visit", node.visit());
            row.put("node_type", node.nodeType());
            row.put("node_name", node.nodeName());
            row.put("status", node.status());
            row.put("outputs", node.outputs());
            row.put("error", node.error());
            row.put("token_usage", parse(node.tokenUsage()));
            row.put("cost", parse(node.cost()));
            row.put("started_at", OffsetDateTime.ofInstant(node.startedAt(), ZoneOffset.UTC).toString());
            return row;
        }).toList());
    }

    private Object parse(String text) {
        try {
            return text == null ? null : json.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private Map<String, String> read(String text) {
        try {
            return json.readValue(text, json.getTypeFactory().constructMapType(Map.class, String.class, String.class));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable node outputs", e);
        }
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
