package dev.promptjuggler.executor.persistence;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.promptjuggler.contracts.RunKind;
import dev.promptjuggler.contracts.prompt.PromptConfig;
import dev.promptjuggler.executor.scheduling.WorkerId;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Run records in {@code gateway.runs}. api-gateway inserts a run as pending; from then on this is its
 * only writer. Outcomes are written only while the run is pending and this worker holds its lease
 * ({@link RunLeaseStore#claim}), so a redelivered request or a worker that lost its lease cannot change an
 * outcome that was already stored.
 */
@ApplicationScoped
public class RunStore {

    private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {
    };

    private final Pool pool;
    private final ObjectMapper json;
    private final String owner;

    public RunStore(Pool pool, ObjectMapper json, WorkerId worker) {
        this.pool = pool;
        this.json = json;
        this.owner = worker.value();
    }

    /** The run with everything needed to execute it; empty when it does not exist. */
    public Uni<Optional<PendingRun>> find(UUID runId) {
        return pool.preparedQuery("SELECT r.id, r.tenant_id, r.kind, r.status, r.environment, r.inputs::text AS inputs,"
                        + " v.config::text AS config"
                        + " FROM gateway.runs r JOIN gateway.revisions v ON v.id = r.revision_id"
                        + " WHERE r.id = $1")
                .execute(Tuple.of(runId))
                .map(rows -> {
                    var iterator = rows.iterator();
                    return iterator.hasNext() ? Optional.of(pendingRun(iterator.next())) : Optional.empty();
                });
    }

    /** @return the stored outcome, or empty when the run had already finished */
    public Uni<Optional<StoredOutcome>> complete(UUID runId, String output, Object tokenUsage, Object transcript) {
        return finish(runId, "completed", output, null, tokenUsage, transcript);
    }

    /** @return the stored outcome, or empty when the run had already finished */
    public Uni<Optional<StoredOutcome>> fail(UUID runId, String error) {
        return finish(runId, "failed", null, error, null, java.util.List.of());
    }

    /** A workflow run that could not start: the SDK's {@code WorkflowRun} reports it in {@code errors}. */
    public Uni<Optional<StoredOutcome>> failWorkflow(UUID runId, String error) {
        return pool.preparedQuery("WITH done AS (UPDATE gateway.runs SET status = 'failed', error = $2,"
                        + " errors = $3::text::jsonb, finished_at = now()"
                        + " WHERE id = $1 AND status = 'pending' AND lease_owner = $4 RETURNING id, finished_at),"
                        + " purged AS (DELETE FROM gateway.run_env_vars WHERE run_id IN (SELECT id FROM done))"
                        + " SELECT finished_at FROM done")
                .execute(Tuple.of(runId, error, write(java.util.List.of(error)), owner))
                .map(RunStore::outcome);
    }

    /** Records that the finished event reached the broker; runs left unmarked still owe their notice. */
    public Uni<Void> markNotified(UUID runId) {
        return pool.preparedQuery("UPDATE gateway.runs SET notified_at = now() WHERE id = $1")
                .execute(Tuple.of(runId))
                .replaceWithVoid();
    }

    private Uni<Optional<StoredOutcome>> finish(UUID runId, String status, String output, String error,
            Object tokenUsage, Object transcript) {
        // Per-run envVars are purged in the same statement that ends the run (and only when it does: a
        // worker that lost its lease must not take them from the one that holds it now).
        return pool.preparedQuery("WITH done AS (UPDATE gateway.runs SET status = $2, output = $3, error = $4,"
                        + " token_usage = $5::text::jsonb, transcript = $6::text::jsonb, finished_at = now()"
                        + " WHERE id = $1 AND status = 'pending' AND lease_owner = $7 RETURNING id, finished_at),"
                        + " purged AS (DELETE FROM gateway.run_env_vars WHERE run_id IN (SELECT id FROM done))"
                        + " SELECT finished_at FROM done")
                .execute(Tuple.from(new Object[] {runId, status, output, error, write(tokenUsage), write(transcript),
                        owner}))
                .map(RunStore::outcome);
    }

    private static Optional<StoredOutcome> outcome(io.vertx.mutiny.sqlclient.RowSet<Row> rows) {
        var iterator = rows.iterator();
        return iterator.hasNext()
                ? Optional.of(new StoredOutcome(iterator.next().getOffsetDateTime("finished_at").toInstant()))
                : Optional.empty();
    }

    private PendingRun pendingRun(Row row) {
        try {
            return new PendingRun(row.getUUID("id"), row.getUUID("tenant_id"),
                    RunKind.valueOf(row.getString("kind").toUpperCase(java.util.Locale.ROOT)),
                    "pending".equals(row.getString("status")), row.getString("environment"),
                    json.readValue(row.getString("inputs"), STRING_MAP), row.getString("config"));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("run " + row.getUUID("id") + " has unreadable JSON", e);
        }
    }

    private String write(Object value) {
        try {
            return value == null ? null : json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** @param config the revision's configuration as stored (JSON); its shape depends on {@code kind} */
    public record PendingRun(UUID id, UUID tenantId, RunKind kind, boolean pending, String environment,
            Map<String, String> inputs, String config) {
    }

    public PromptConfig promptConfig(PendingRun run) {
        try {
            return json.readValue(run.config(), PromptConfig.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("run " + run.id() + " has an unreadable prompt revision", e);
        }
    }

    public record StoredOutcome(Instant finishedAt) {
    }
}
