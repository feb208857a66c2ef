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
import java.util.UUID;

/** Each node's stored result of a workflow run; run-executor writes them, the gateway only reads the trace. */
@ApplicationScoped
public class WorkflowNodeResultRepository {

    private final Pool pool;
    private final JsonColumns json;

    public WorkflowNodeResultRepository(Pool pool, JsonColumns json) {
        this.pool = pool;
        this.json = json;
    }

    /** The run's node results in the order they were stored. */
    public Uni<List<NodeResultRow>> list(UUID runId) {
        return pool.preparedQuery("SELECT node_key, visit, node_type, node_name, status, error,"
                        + " token_usage::text AS token_usage, started_at, finished_at"
                        + " FROM executor.workflow_node_results WHERE run_id = $1 ORDER BY seq")
                .execute(Tuple.of(runId))
                .map(rows -> {
                    List<NodeResultRow> results = new ArrayList<>(rows.size());
                    rows.forEach(row -> results.add(result(row)));
                    return results;
                });
    }

    private NodeResultRow result(Row row) {
        return new NodeResultRow(row.getString("node_key"), row.getInteger("visit"), row.getString("node_type"),
                row.getString("node_name"), row.getString("status"), row.getString("error"),
                json.tree(row.getString("token_usage")), row.getOffsetDateTime("started_at"),
                row.getOffsetDateTime("finished_at"));
    }

    /** @param nodeKey the node's id; inside a nested Workflow node {@code <workflow node id>/<nested node id>} */
    public record NodeResultRow(String nodeKey, int visit, String type, String name, String status, String error,
            JsonNode tokenUsage, OffsetDateTime startedAt, OffsetDateTime finishedAt) {
    }
}
