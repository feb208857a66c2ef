package dev.promptjuggler.executor.persistence;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.promptjuggler.contracts.Priority;
import dev.promptjuggler.contracts.RunFinished;
import dev.promptjuggler.contracts.RunKind;
import dev.promptjuggler.contracts.RunRequested;
import dev.promptjuggler.contracts.RunStatus;
import dev.promptjuggler.executor.config.ExecutorConfig;
import dev.promptjuggler.executor.persistence.RunStore.PendingRun;
import dev.promptjuggler.executor.persistence.VariableStore.StoredVariable;
import dev.promptjuggler.executor.scheduling.WorkerId;
import dev.promptjuggler.runtime.persistence.KeptPlans;
import io.quarkus.reactive.datasource.ReactiveDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlResult;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/**
 * Claims on runs, kept in {@code executor.run_states} beside the gateway's {@code gateway.runs}: who executes a
 * run and until when (lease), and the sweeper's look at runs that no event will bring back. Only pending runs are
 * ever claimed, and only when no live lease holds them, so one run executes in one place at a time;
 * {@link RunStore}'s outcome writes also check that this worker still holds the lease. Every claim counts ({@code attempts}); a run claimed
 * {@code executor.max-claims} times is never claimed for execution again, only by the sweeper to end it.
 */
@ApplicationScoped
public class RunLeaseStore {

    private final Pool pool;
    private final Pool claims;
    private final ObjectMapper json;
    private final String owner;
    private final ExecutorConfig config;

    /**
     * @param claims connections of their own for claims: a claim never queues behind the outcome writes that a
     *               busy executor piles up in the main pool, so a slot is filled (and an onsite run started) as
     *               soon as it frees
     */
    public RunLeaseStore(Pool pool, @ReactiveDataSource("claims") Pool claims, ObjectMapper json, WorkerId worker,
            ExecutorConfig config) {
        this.pool = pool;
        this.claims = claims;
        this.json = json;
        this.owner = worker.value();
        this.config = config;
    }

    /**
     * Claims the pending runs among {@code runIds} that no live lease holds and that are next in their lane: no
     * run accepted earlier on the same thread and channel is still pending (two runs of one lane in the same
     * call: only the earlier is claimed). A run that has to wait is left unclaimed; the run before it hands it on
     * when it finishes ({@link RunStore#markNotified} reads the lane once the outcome committed), and the sweeper
     * re-queues it should that hand-off be lost.
     *
     * <p>One statement claims them all and returns everything each run needs to execute (its row, its revision's
     * configuration, the tenant's stored variables and the run's own envVars, both still encrypted): where a
     * claim, a load and two variable reads per run took four round trips, which is what bounds a busy executor.
     *
     * <p>A run that has taken {@code max-claims} claims already is skipped: its workers never got it to an
     * outcome, so it is left to {@link #claimExhausted}, whose claim ends it instead of running it again.
     *
     * @return the runs now held by this worker, by id; a run finished, leased elsewhere, waiting for an earlier
     *         run of its lane, out of claims, or unknown is absent
     */
    public Uni<Map<UUID, ClaimedRun>> claim(Collection<UUID> runIds) {
        // On the kept plan: planned for its arguments (an array of run ids), a third of all claims were planned anew
        // (docs/benchmarks.md, e2e journal of 2026-12-05 06:40–07:50).
        return KeptPlans.statement(claims, "WITH claimed AS (INSERT INTO executor.run_states AS s"
                        + "   (run_id, lease_owner, lease_expires_at, attempts, started_at)"
                        + "   SELECT r.id, $2, now() + make_interval(secs => $3), 1, clock_timestamp() FROM gateway.runs r"
                        + "   WHERE r.id = ANY($1)"
                        // Only the run just before it in the lane is looked at: that one ended only after it
                        // was claimed, and was claimed only once the one before it had ended, and so on; one
                        // index probe, however long the thread's history.
                        + "   AND NOT EXISTS (SELECT 1 FROM (SELECT earlier.id FROM gateway.runs earlier"
                        + "     WHERE earlier.thread_id = r.thread_id AND earlier.channel = r.channel"
                        + "     AND earlier.accepted_seq < r.accepted_seq ORDER BY earlier.accepted_seq DESC LIMIT 1) previous"
                        + "     LEFT JOIN executor.run_states e ON e.run_id = previous.id"
                        + "     WHERE e.status IS NULL OR e.status = 'pending')"
                        // A run claimed before (or put back by the sweeper) has its row: claimed again only while
                        // pending, free of a live lease and within its claims.
                        + "   ON CONFLICT (run_id) DO UPDATE SET lease_owner = excluded.lease_owner,"
                        + "   lease_expires_at = excluded.lease_expires_at, attempts = s.attempts + 1,"
                        + "   started_at = excluded.started_at"
                        + "   WHERE s.status = 'pending' AND (s.lease_expires_at IS NULL OR s.lease_expires_at < now())"
                        + "   AND s.attempts < $4"
                        + "   RETURNING s.run_id)"
                        + " SELECT r.id, r.tenant_id, r.thread_id, r.channel, r.kind, 'pending' AS status, r.environment,"
                        + " r.inputs::text AS inputs, v.config::text AS config," + RunStore.STOP_COLUMNS + ","
                        + " (SELECT json_agg(json_build_array(e.key, e.environment, e.value))::text"
                        + "   FROM gateway.environment_variables e WHERE e.tenant_id = r.tenant_id) AS stored_variables,"
                        + " (SELECT x.value FROM gateway.run_env_vars x WHERE x.run_id = r.id) AS run_variables"
                        + " FROM claimed c JOIN gateway.runs r ON r.id = c.run_id JOIN gateway.revisions v ON v.id = r.revision_id",
                        Tuple.of(runIds.toArray(new UUID[0]), owner, seconds(config.lease().duration()),
                                config.maxClaims()))
                .map(rows -> {
                    Map<UUID, ClaimedRun> claimed = new HashMap<>();
                    for (Row row : rows) {
                        claimed.put(row.getUUID("id"), new ClaimedRun(RunStore.pendingRun(row, json), storedVariables(row),
                                Optional.ofNullable(row.getString("run_variables"))));
                    }
                    return claimed;
                });
    }

    /**
     * A run this worker just claimed, with its variables as stored (encrypted).
     *
     * @param runVariables the run's per-request envVars (encrypted JSON), if it has any
     */
    public record ClaimedRun(PendingRun run, List<StoredVariable> storedVariables, Optional<String> runVariables) {
    }

    private List<StoredVariable> storedVariables(Row row) {
        String aggregated = row.getString("stored_variables");
        if (aggregated == null) {
            return List.of();
        }
        try {
            List<StoredVariable> variables = new ArrayList<>();
            for (JsonNode variable : json.readTree(aggregated)) {
                variables.add(new StoredVariable(variable.get(0).asText(),
                        variable.get(1).isNull() ? null : variable.get(1).asText(), variable.get(2).asText()));
            }
            return variables;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the stored variables of tenant " + row.getUUID("tenant_id") + " are unreadable", e);
        }
    }

    /**
     * Gives back the leases of runs this worker will not finish (it is stopping): they expire now, and the claim
     * is not counted against {@code executor.max-claims}, since the run did not fail; the sweeper of any worker
     * publishes them again. An outcome this worker still stores before another claims them is kept.
     */
    public Uni<Integer> release(Collection<UUID> runIds) {
        if (runIds.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        return pool.preparedQuery("UPDATE executor.run_states SET lease_expires_at = now(), attempts = attempts - 1"
                        + " WHERE run_id = ANY($1) AND lease_owner = $2 AND status = 'pending' AND lease_expires_at > now()")
                .execute(Tuple.of(runIds.toArray(new UUID[0]), owner))
                .map(SqlResult::rowCount);
    }

    /**
     * Extends the leases of the runs this worker executes. A run whose row another transaction holds is passed over
     * until the next heartbeat (well within the lease): it is mostly one whose outcome or notice mark is being
     * written. Waiting for it instead, the heartbeat deadlocked with the notice mark, each statement holding a row the
     * other wanted (docs/benchmarks.md, e2e journal of 2026-12-05 15:20–16:05).
     *
     * @return those of them a caller cancelled ({@code gateway.run_cancellations})
     */
    public Uni<List<UUID>> heartbeat(Collection<UUID> runIds) {
        if (runIds.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return pool.preparedQuery("UPDATE executor.run_states s SET lease_expires_at = now() + make_interval(secs => $3)"
                        + " WHERE s.run_id IN (SELECT l.run_id FROM executor.run_states l WHERE l.run_id = ANY($1)"
                        + "   AND l.lease_owner = $2 AND l.status = 'pending' FOR UPDATE SKIP LOCKED)"
                        + " RETURNING s.run_id, EXISTS (SELECT 1 FROM gateway.run_cancellations x WHERE x.run_id = s.run_id)"
                        + " AS cancelled")
                .execute(Tuple.of(runIds.toArray(new UUID[0]), owner, seconds(config.lease().duration())))
                .map(rows -> {
                    List<UUID> cancelled = new ArrayList<>();
                    rows.forEach(row -> {
                        if (row.getBoolean("cancelled")) {
                            cancelled.add(row.getUUID("run_id"));
                        }
                    });
                    return cancelled;
                });
    }

    /**
     * Claims, for the sweeper, pending runs that used up their claims: claimed {@code max-claims} times and
     * their lease expired once more, so every worker that took them died or stalled before storing an outcome.
     * This claim counts too, but is never executed: the caller ends the runs failed, guarded by the lease it
     * holds now like any outcome. Should that not happen (this worker dies as well), the lease expires and the
     * next sweep claims them again for the same purpose.
     */
    public Uni<List<ExhaustedRun>> claimExhausted() {
        return pool.preparedQuery("WITH claimed AS (UPDATE executor.run_states s SET lease_owner = $1,"
                        + "   lease_expires_at = now() + make_interval(secs => $2), attempts = s.attempts + 1"
                        + "   WHERE s.run_id IN (SELECT x.run_id FROM executor.run_states x JOIN gateway.runs r ON r.id = x.run_id"
                        + "     WHERE x.status = 'pending' AND x.attempts >= $3 AND x.lease_expires_at < now()"
                        + "     ORDER BY r.created_at LIMIT $4 FOR UPDATE OF x SKIP LOCKED)"
                        + "   RETURNING s.run_id, s.attempts)"
                        + " SELECT r.id, r.tenant_id, r.thread_id, r.channel, r.kind, r.environment, c.attempts,"
                        + " r.traceparent, v.config::text AS config"
                        + " FROM claimed c JOIN gateway.runs r ON r.id = c.run_id JOIN gateway.revisions v ON v.id = r.revision_id")
                .execute(Tuple.of(owner, seconds(config.lease().duration()), config.maxClaims(), config.sweeper().batch()))
                .map(rows -> {
                    List<ExhaustedRun> runs = new ArrayList<>();
                    rows.forEach(row -> runs.add(new ExhaustedRun(row.getUUID("id"), row.getUUID("tenant_id"),
                            row.getUUID("thread_id"), row.getString("channel"), kind(row), row.getString("environment"),
                            row.getInteger("attempts") - 1, row.getString("traceparent"), row.getString("config"))));
                    return runs;
                });
    }

    /**
     * @param claims      the claims that executed it before the sweeper's, which ends it
     * @param traceparent the run's trace (null: not traced)
     * @param config      its revision as stored: a workflow's says which channels its executions streamed on
     */
    public record ExhaustedRun(UUID id, UUID tenantId, UUID threadId, String channel, RunKind kind, String environment,
            int claims, String traceparent, String config) {
    }

    /**
     * Pending runs that need their request published again: a lease expired (its worker died) and the run
     * was not put back since, or the run was never claimed for {@code unclaimed-after} (its request may
     * never have reached the broker). Runs out of claims are not: {@link #claimExhausted} ends them. The rows
     * are marked {@code requeued_at} in the same transaction, after {@code publish} succeeded.
     *
     * <p>Both looks stay small however many runs are stored. Claimed runs are found by the partial index of
     * pending state rows. Never-claimed runs have no state row to index, so they are looked for only among
     * the runs accepted since {@code executor.sweep_cursor}: every run created before it has a state row (or
     * had one put in by an earlier sweep), and the cursor moves up to {@code now() - unclaimed-after} once
     * nothing older is left. Sweepers of several workers take the cursor's lock in turn.
     *
     * @return the number of runs published
     */
    public Uni<Integer> requeue(Function<List<Traced<RunRequested>>, Uni<Void>> publish) {
        var sweeper = config.sweeper();
        double unclaimedAfter = seconds(sweeper.unclaimedAfter());
        return pool.withTransaction(connection -> connection
                .preparedQuery("SELECT unclaimed_since FROM executor.sweep_cursor FOR UPDATE")
                .execute()
                .chain(cursor -> connection.preparedQuery(
                                "SELECT r.id, r.tenant_id, r.thread_id, r.kind, r.priority, r.revision_id, r.created_at, r.traceparent"
                                        + " FROM gateway.runs r WHERE r.created_at > $1"
                                        + " AND r.created_at < now() - make_interval(secs => $2)"
                                        + " AND NOT EXISTS (SELECT 1 FROM executor.run_states s WHERE s.run_id = r.id)"
                                        + " ORDER BY r.created_at LIMIT $3")
                        .execute(Tuple.of(cursor.iterator().next().getOffsetDateTime("unclaimed_since"), unclaimedAfter,
                                sweeper.batch())))
                .chain(neverClaimed -> connection.preparedQuery(
                                "SELECT r.id, r.tenant_id, r.thread_id, r.kind, r.priority, r.revision_id, r.created_at, r.traceparent"
                                        + " FROM executor.run_states s JOIN gateway.runs r ON r.id = s.run_id"
                                        + " WHERE s.status = 'pending' AND s.attempts < $4 AND ("
                                        + "   (s.lease_expires_at < now() AND (s.requeued_at IS NULL"
                                        + "     OR s.requeued_at < s.lease_expires_at OR s.requeued_at < now() - make_interval(secs => $1)))"
                                        + "   OR (s.lease_expires_at IS NULL AND r.created_at < now() - make_interval(secs => $2)"
                                        + "     AND (s.requeued_at IS NULL OR s.requeued_at < now() - make_interval(secs => $1))))"
                                        + " ORDER BY r.created_at LIMIT $3 FOR UPDATE OF s SKIP LOCKED")
                        .execute(Tuple.of(seconds(sweeper.requeueAfter()), unclaimedAfter, sweeper.batch(),
                                config.maxClaims()))
                        .chain(claimed -> {
                            List<Traced<RunRequested>> runs = new ArrayList<>();
                            neverClaimed.forEach(row -> runs.add(requested(row)));
                            claimed.forEach(row -> runs.add(requested(row)));
                            // A full batch of never-claimed runs may leave more behind it: the cursor moves only to
                            // the last one taken; otherwise up to the bound the look used.
                            Uni<?> moveCursor = neverClaimed.size() < sweeper.batch()
                                    ? connection.preparedQuery("UPDATE executor.sweep_cursor"
                                            + " SET unclaimed_since = now() - make_interval(secs => $1)").execute(Tuple.of(unclaimedAfter))
                                    // Just before it: a run created in the same microsecond and left out of the
                                    // full batch is looked at next time (the ones taken now have state rows).
                                    : connection.preparedQuery("UPDATE executor.sweep_cursor"
                                            + " SET unclaimed_since = $1::timestamptz - interval '1 microsecond'")
                                            .execute(Tuple.of(last(neverClaimed)));
                            if (runs.isEmpty()) {
                                return moveCursor.replaceWith(0);
                            }
                            return publish.apply(runs)
                                    .chain(() -> connection.preparedQuery(
                                                    "INSERT INTO executor.run_states (run_id, requeued_at)"
                                                            + " SELECT unnest($1::uuid[]), now()"
                                                            + " ON CONFLICT (run_id) DO UPDATE SET requeued_at = excluded.requeued_at")
                                            .execute(Tuple.of(ids(runs, run -> run.event().runId()))))
                                    .chain(() -> moveCursor)
                                    .replaceWith(runs.size());
                        })));
    }

    /** The creation time of the last run of {@code rows} (ordered by it), or null when there is none. */
    private static OffsetDateTime last(RowSet<Row> rows) {
        OffsetDateTime last = null;
        for (Row row : rows) {
            last = row.getOffsetDateTime("created_at");
        }
        return last;
    }

    /**
     * Finished runs whose notice never reached the broker (the worker died between commit and publish, or
     * the publish failed). Published again with the stored outcome, the same event id, then marked.
     *
     * @return the number of notices published
     */
    public Uni<Integer> renotify(Function<List<Traced<RunFinished>>, Uni<Void>> publish) {
        var sweeper = config.sweeper();
        return pool.withTransaction(connection -> connection.preparedQuery(
                        "SELECT r.id, r.tenant_id, r.kind, s.status, r.environment, s.finished_at, r.traceparent"
                                + " FROM executor.run_states s JOIN gateway.runs r ON r.id = s.run_id"
                                + " WHERE s.finished_at IS NOT NULL AND s.notified_at IS NULL"
                                + " AND s.finished_at < now() - make_interval(secs => $1)"
                                + " ORDER BY s.finished_at LIMIT $2 FOR UPDATE OF s SKIP LOCKED")
                .execute(Tuple.of(seconds(sweeper.unnotifiedAfter()), sweeper.batch()))
                .chain(rows -> {
                    List<Traced<RunFinished>> notices = new ArrayList<>();
                    rows.forEach(row -> notices.add(finished(row)));
                    if (notices.isEmpty()) {
                        return Uni.createFrom().item(0);
                    }
                    return publish.apply(notices)
                            .chain(() -> connection.preparedQuery(
                                            "UPDATE executor.run_states SET notified_at = now() WHERE run_id = ANY($1)")
                                    .execute(Tuple.of(ids(notices, notice -> notice.event().runId()))))
                            .replaceWith(notices.size());
                }));
    }

    /** A run's request as the gateway published it, rebuilt from its row, with the run's trace. */
    static Traced<RunRequested> requested(Row row) {
        return new Traced<>(new RunRequested(row.getUUID("id"), row.getUUID("tenant_id"), row.getUUID("thread_id"),
                kind(row), Priority.fromWireName(row.getString("priority")), row.getUUID("revision_id"),
                row.getOffsetDateTime("created_at").toInstant()), row.getString("traceparent"));
    }

    private static Traced<RunFinished> finished(Row row) {
        return new Traced<>(new RunFinished(row.getUUID("id"), row.getUUID("tenant_id"), kind(row),
                RunStatus.fromWireName(row.getString("status")), row.getString("environment"),
                row.getOffsetDateTime("finished_at").toInstant()), row.getString("traceparent"));
    }

    private static RunKind kind(Row row) {
        return RunKind.valueOf(row.getString("kind").toUpperCase(Locale.ROOT));
    }

    private static <T> UUID[] ids(List<T> items, Function<T, UUID> id) {
        return items.stream().map(id).toArray(UUID[]::new);
    }

    private static double seconds(Duration duration) {
        return duration.toMillis() / 1000.0;
    }
}
