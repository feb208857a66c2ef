package dev.promptjuggler.executor.persistence;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.promptjuggler.contracts.RunKind;
import dev.promptjuggler.contracts.RunRequested;
import dev.promptjuggler.contracts.RunStatus;
import dev.promptjuggler.executor.scheduling.WorkerId;
import dev.promptjuggler.runtime.persistence.GroupCommit;
import dev.promptjuggler.runtime.persistence.KeptPlans;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Run outcomes in {@code executor.run_states}, this service's part of a run beside the row api-gateway
 * inserted in {@code gateway.runs} (which only the gateway writes). Outcomes are written only while the run is
 * pending and this worker holds its lease ({@link RunLeaseStore#claim}), so a redelivered request or a worker that
 * lost its lease cannot change an outcome that was already stored.
 */
@ApplicationScoped
public class RunStore {

    private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {
    };

    /** Marks per statement at most. */
    private static final int MAX_MARKS = 500;
    /** Outcomes per statement at most (each carries a transcript). */
    private static final int MAX_OUTCOMES = 100;

    private final Pool pool;
    private final ObjectMapper json;
    private final String owner;
    private final GroupCommit<UUID, Optional<Traced<RunRequested>>> marks;
    private final GroupCommit<Finishing, Optional<StoredOutcome>> outcomes;

    public RunStore(Pool pool, ObjectMapper json, WorkerId worker) {
        this.pool = pool;
        this.json = json;
        this.owner = worker.value();
        this.marks = new GroupCommit<>(MAX_MARKS, runId -> 1, this::markAll);
        this.outcomes = new GroupCommit<>(MAX_OUTCOMES, outcome -> 1, this::finishAll).isolatingFailures();
    }

    /** The run with everything needed to execute it; empty when it does not exist. */
    public Uni<Optional<PendingRun>> find(UUID runId) {
        return pool.preparedQuery("SELECT r.id, r.tenant_id, r.thread_id, r.channel, r.kind,"
                        + " coalesce(s.status, 'pending') AS status, r.environment,"
                        + " r.inputs::text AS inputs, v.config::text AS config," + STOP_COLUMNS
                        + " FROM gateway.runs r JOIN gateway.revisions v ON v.id = r.revision_id"
                        + " LEFT JOIN executor.run_states s ON s.run_id = r.id"
                        + " WHERE r.id = $1")
                .execute(Tuple.of(runId))
                .map(rows -> {
                    var iterator = rows.iterator();
                    return iterator.hasNext() ? Optional.of(pendingRun(iterator.next(), json)) : Optional.empty();
                });
    }

    /**
     * Stores a prompt run's outcome: the run's final state and what its memory mode keeps of the conversation.
     * Nothing is written unless the run is pending and this worker holds its lease. (Its per-run environment
     * variables are api-gateway's to erase once the run has ended.) Outcomes are written many at a time, one
     * statement for those that arrive while the previous one runs; one the database refuses fails alone.
     *
     * @return the stored outcome, or empty when the run had already finished
     */
    public Uni<Optional<StoredOutcome>> finish(UUID runId, Outcome outcome) {
        return outcomes.submit(new Finishing(runId, outcome));
    }

    /** A prompt run's outcome waiting for its statement. */
    private record Finishing(UUID runId, Outcome outcome) {
    }

    private Uni<List<Optional<StoredOutcome>>> finishAll(List<Finishing> batch) {
        int n = batch.size();
        var ids = new UUID[n];
        var statuses = new String[n];
        var outputs = new String[n];
        var errors = new String[n];
        var usages = new String[n];
        var costs = new String[n];
        var transcripts = new String[n];
        var emitted = new String[n];
        var remembered = new String[n];
        for (int i = 0; i < n; i++) {
            Outcome outcome = batch.get(i).outcome();
            ids[i] = batch.get(i).runId();
            statuses[i] = outcome.status().wireName();
            outputs[i] = outcome.output();
            errors[i] = outcome.error();
            usages[i] = write(outcome.tokenUsage());
            costs[i] = write(outcome.cost());
            transcripts[i] = write(outcome.transcript());
            emitted[i] = write(outcome.emitted());
            remembered[i] = write(outcome.remember());
        }
        // On the kept plan: planned for its arguments, it was planned anew at nearly every execution, for longer
        // than it ran (docs/benchmarks.md, e2e journal of 2026-12-05 09:30–10:20).
        return KeptPlans.statement(pool,
                        "WITH input AS (SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[],"
                        + " $5::text[], $6::text[], $7::text[], $8::text[], $9::text[])"
                        + " AS i (run_id, status, output, error, token_usage, cost, transcript, emitted, remember)),"
                        + " stored AS (UPDATE executor.run_states s SET status = i.status, output = i.output,"
                        + " error = i.error, token_usage = i.token_usage::jsonb, cost = i.cost::jsonb,"
                        + " transcript = i.transcript::jsonb, emitted = i.emitted::jsonb, finished_at = now()"
                        + " FROM input i WHERE s.run_id = i.run_id AND s.status = 'pending' AND s.lease_owner = $10"
                        + " RETURNING s.run_id, s.finished_at),"
                        + DONE
                        + ", remembered AS (INSERT INTO executor.thread_messages (thread_id, channel, run_id, role, content)"
                        + "   SELECT d.thread_id, d.channel, d.id, m.role, m.content FROM done d JOIN input i ON i.run_id = d.id,"
                        + "   ROWS FROM (jsonb_to_recordset(i.remember::jsonb) AS (role text, content text))"
                        + "   WITH ORDINALITY AS m(role, content, position) ORDER BY d.id, m.position)"
                        + " SELECT d.id AS finished_id, d.finished_at FROM done d",
                        Tuple.from(new Object[] {ids, statuses, outputs, errors, usages, costs, transcripts, emitted,
                                remembered, owner}))
                .map(rows -> {
                    Map<UUID, StoredOutcome> stored = new HashMap<>();
                    rows.forEach(row -> stored.put(row.getUUID("finished_id"), stored(row)));
                    return batch.stream().map(finishing -> Optional.ofNullable(stored.get(finishing.runId()))).toList();
                });
    }

    /**
     * Stores a workflow run's outcome (the SDK's {@code WorkflowRun}: outputs by Output name, the failed nodes'
     * messages, summed usage and cost) in one statement.
     *
     * @return the stored outcome, or empty when the run had already finished
     */
    public Uni<Optional<StoredOutcome>> finishWorkflow(UUID runId, RunStatus status, Map<String, String> outputs,
            List<String> errors, Object tokenUsage, Object cost) {
        return pool.preparedQuery("WITH stored AS (UPDATE executor.run_states SET status = $2, outputs = $3::text::jsonb,"
                        + " errors = $4::text::jsonb, error = $5, token_usage = $6::text::jsonb, cost = $7::text::jsonb,"
                        + " finished_at = now()"
                        + " WHERE run_id = $1 AND status = 'pending' AND lease_owner = $8"
                        + " RETURNING run_id, finished_at)"
                        + " SELECT run_id AS finished_id, finished_at FROM stored")
                .execute(Tuple.from(new Object[] {runId, status.wireName(), write(outputs), write(errors),
                        errors.isEmpty() ? null : errors.get(errors.size() - 1), write(tokenUsage), write(cost), owner}))
                .map(RunStore::stored);
    }

    /** The run just finished, with its lane (thread and channel) from the gateway's row. */
    private static final String DONE = " done AS (SELECT r.id, r.thread_id, r.channel, f.finished_at"
            + "   FROM stored f JOIN gateway.runs r ON r.id = f.run_id)";

    /**
     * Records that the finished event reached the broker, and answers the next pending run of the finished run's lane
     * (same thread and channel), which waited for it and is now to be requested again; runs left unmarked still owe
     * their notice. Completes once the mark is stored. Marks are written many at a time: while one statement runs, the
     * marks that arrive wait and go together in the next, so a busy executor spends one round trip on many runs and an
     * idle one waits for nobody. A lost mark only costs a repeated notice (same event id) from the sweeper.
     *
     * <p>The lane is read here, after the outcome committed, not by the outcome statement: a run accepted while that
     * statement ran was not in its snapshot, and its claim, made before the outcome committed, found its predecessor
     * still pending; read afterwards, it is found and handed on (it waited for the sweeper's {@code unclaimed-after}
     * before).
     */
    public Uni<Optional<Traced<RunRequested>>> markNotified(UUID runId) {
        return marks.submit(runId);
    }

    private Uni<List<Optional<Traced<RunRequested>>>> markAll(List<UUID> runIds) {
        return pool.preparedQuery("WITH marked AS (UPDATE executor.run_states SET notified_at = now()"
                        + " WHERE run_id = ANY($1) RETURNING run_id)"
                        + " SELECT m.run_id AS finished_id, s.id, s.tenant_id, s.thread_id, s.kind, s.priority,"
                        + " s.revision_id, s.created_at, s.traceparent"
                        + " FROM marked m JOIN gateway.runs d ON d.id = m.run_id"
                        + " LEFT JOIN LATERAL (SELECT n.id, n.tenant_id, n.thread_id, n.kind, n.priority, n.revision_id,"
                        + "   n.created_at, n.traceparent FROM gateway.runs n"
                        + "   LEFT JOIN executor.run_states ns ON ns.run_id = n.id"
                        + "   WHERE n.thread_id = d.thread_id AND n.channel = d.channel"
                        + "   AND (ns.status IS NULL OR ns.status = 'pending')"
                        + "   ORDER BY n.accepted_seq LIMIT 1) s ON true")
                .execute(Tuple.of(runIds.toArray(UUID[]::new)))
                .map(rows -> {
                    Map<UUID, Traced<RunRequested>> successors = new HashMap<>();
                    rows.forEach(row -> {
                        if (row.getUUID("id") != null) {
                            successors.put(row.getUUID("finished_id"), RunLeaseStore.requested(row));
                        }
                    });
                    return runIds.stream().map(runId -> Optional.ofNullable(successors.get(runId))).toList();
                });
    }

    private static Optional<StoredOutcome> stored(RowSet<Row> rows) {
        var iterator = rows.iterator();
        return iterator.hasNext() ? Optional.of(stored(iterator.next())) : Optional.empty();
    }

    private static StoredOutcome stored(Row row) {
        return new StoredOutcome(row.getOffsetDateTime("finished_at").toInstant());
    }

    /**
     * What stops a run, read with it (gateway's tables, on {@code r} the run and {@code v} its revision): whether a
     * caller cancelled it, and its definition's deadline.
     */
    static final String STOP_COLUMNS = " EXISTS (SELECT 1 FROM gateway.run_cancellations x WHERE x.run_id = r.id) AS cancelled,"
            + " (SELECT d.run_timeout_seconds FROM gateway.definitions d WHERE d.id = v.definition_id) AS run_timeout_seconds";

    /** A run's row (with its revision's {@code config}) as read by {@link #find} and {@link RunLeaseStore#claim}. */
    static PendingRun pendingRun(Row row, ObjectMapper json) {
        try {
            return new PendingRun(row.getUUID("id"), row.getUUID("tenant_id"), row.getUUID("thread_id"),
                    row.getString("channel"), RunKind.valueOf(row.getString("kind").toUpperCase(Locale.ROOT)),
                    "pending".equals(row.getString("status")), row.getString("environment"),
                    json.readValue(row.getString("inputs"), STRING_MAP), row.getString("config"),
                    row.getBoolean("cancelled"), Optional.ofNullable(row.getInteger("run_timeout_seconds"))
                            .map(Duration::ofSeconds));
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

    /**
     * @param config    the revision's configuration as stored (JSON); its shape depends on {@code kind}
     * @param cancelled a caller asked to stop it ({@code gateway.run_cancellations}): it is ended, never executed
     * @param timeout   its definition's deadline; empty: {@code executor.run-timeout}
     */
    public record PendingRun(UUID id, UUID tenantId, UUID threadId, String channel, RunKind kind, boolean pending,
            String environment, Map<String, String> inputs, String config, boolean cancelled,
            Optional<Duration> timeout) {
    }

    /**
     * A prompt run's end as the SDK's {@code PromptRun} reports it.
     *
     * @param error      for a completed run, the latest failed attempt that a retry recovered from, if any
     * @param cost       the SDK's {@code RunCost}, or null when no price covers the run
     * @param transcript the SDK's {@code TranscriptItem}s
     * @param emitted    the SDK's {@code EmittedItem}s
     * @param remember   messages appended to the run's lane of thread memory, in order
     */
    public record Outcome(RunStatus status, String output, String error, Object tokenUsage, Object cost,
            List<?> transcript, List<?> emitted, List<Remembered> remember) {
    }

    /** One message of thread memory. @param role {@code user} or {@code assistant} */
    public record Remembered(String role, String content) {
    }

    /** @param finishedAt when the outcome was stored */
    public record StoredOutcome(Instant finishedAt) {
    }
}
