package dev.promptjuggler.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.promptjuggler.gateway.persistence.WorkflowNodeResultRepository.NodeResultRow;
import dev.promptjuggler.gateway.service.RunService;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** What happened inside a workflow run, node by node. */
@Path("/manage/v1/workflow-runs")
@Tag(name = "Workflow runs (management)")
public class WorkflowRunManagementResource {

    private final RunService runs;
    private final Caller caller;

    public WorkflowRunManagementResource(RunService runs, Caller caller) {
        this.runs = runs;
        this.caller = caller;
    }

    @GET
    @Path("/{id}/trace")
    @Operation(summary = "The run's nodes as they finished: status (completed, failed or skipped), timing, tokens"
            + " and error of each, one entry per Loop iteration")
    public Uni<Trace> trace(@PathParam("id") String id) {
        return runs.trace(caller.tenantId(), PathParams.uuid(id, "id", "workflow run"))
                .map(results -> new Trace(results.stream().map(TracedNode::of).toList()));
    }

    public record Trace(List<TracedNode> nodes) {
    }

    /**
     * @param nodeId    the node's id; inside a nested Workflow node {@code <workflow node id>/<nested node id>}
     * @param iteration 1 for the node's first run, 2 for its second (a Loop's next iteration), …
     */
    public record TracedNode(String nodeId, String name, String type, int iteration, String status,
            OffsetDateTime startedAt, OffsetDateTime finishedAt, long durationMs,
            @Schema(ref = "TokenUsage") JsonNode tokenUsage, String error) {

        static TracedNode of(NodeResultRow row) {
            return new TracedNode(row.nodeKey(), row.name(), row.type(), row.visit(), row.status(), row.startedAt(),
                    row.finishedAt(), Duration.between(row.startedAt(), row.finishedAt()).toMillis(), row.tokenUsage(),
                    row.error());
        }
    }
}
