package dev.promptjuggler.executor.workflow;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.promptjuggler.contracts.workflow.WorkflowDefinition.Node;
import dev.promptjuggler.executor.llm.TokenUsage;
import dev.promptjuggler.executor.persistence.RunStore.Remembered;
import dev.promptjuggler.executor.persistence.WorkflowStore;
import dev.promptjuggler.executor.persistence.WorkflowStore.NodeRow;
import dev.promptjuggler.executor.service.RunCosts.RunCost;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * A workflow run's node results as stored: each visit recorded when it settles, and read back when the run
 * resumes after a crash, so a node whose result was stored never runs again.
 */
@ApplicationScoped
public class NodeResults {

    private final WorkflowStore store;
    private final ObjectMapper json;

    public NodeResults(WorkflowStore store, ObjectMapper json) {
        this.store = store;
        this.json = json;
    }

    /** A visit that settled, with when it started. */
    record Visit(Node node, int visit, NodeOutcome outcome, Instant startedAt) {
    }

    /** The run's stored results by node key and visit. */
    Uni<Map<String, NodeRow>> load(UUID runId) {
        return store.results(runId);
    }

    /** The stored result of a visit that ran (a skipped one is decided anew), if any. */
    Optional<NodeOutcome> reusable(Walk walk, Node node, int visit) {
        NodeRow stored = walk.stored().get(walk.prefix() + node.id() + "#" + visit);
        return stored == null || "skipped".equals(stored.status()) ? Optional.empty() : Optional.of(outcome(stored));
    }

    /**
     * Stores visits, in one statement with what a Prompt node's memory keeps on {@code channel} (null and empty
     * when there is nothing to remember).
     */
    Uni<Void> record(Walk walk, List<Visit> visits, String channel, List<Remembered> remember) {
        return store.record(walk.run().runId(), visits.stream().map(visit -> row(walk, visit)).toList(), channel, remember);
    }

    private NodeRow row(Walk walk, Visit visit) {
        NodeOutcome outcome = visit.outcome();
        return new NodeRow(walk.prefix() + visit.node().id(), visit.visit(), visit.node().type(), visit.node().name(),
                outcome.status(), outcome.outputs(), outcome.error(), outcome.usage() == null ? null : write(outcome.usage()),
                outcome.cost() == null ? null : write(outcome.cost()), visit.startedAt());
    }

    private NodeOutcome outcome(NodeRow row) {
        try {
            return new NodeOutcome(row.status(), row.outputs(), row.error(),
                    row.tokenUsage() == null ? null : json.readValue(row.tokenUsage(), TokenUsage.class),
                    row.cost() == null ? null : json.readValue(row.cost(), RunCost.class));
        } catch (Exception e) {
            throw new IllegalStateException("unreadable stored result of node " + row.nodeKey(), e);
        }
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }
}
