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
import io.quarkus.reactive.datasource.ReactiveDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlResult;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
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
 * Claims on {@code gateway.runs}: who executes a run and until when (lease), and the sweeper's look at
 * runs that no event will bring back. Only pending runs are ever claimed, and only when no live lease
 * holds them, so one run executes in one place at a time; {@link RunStore}'s outcome writes also check
 * that this worker still holds the lease. Every claim counts ({@code attempts}); a run claimed
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
     * when it finishes ({@link RunStore}'s outcome statement names the successor), and the sweeper re-queues it
     * should that hand-off be lost.
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
        return claims.preparedQuery("UPDATE gateway.runs r SET lease_owner = $2,"
                        + " lease_expires_at = now() + make_interval(secs => $3), attempts = r.attempts + 1,"
                        + " started_at = clock_timestamp()"
                        + " FROM gateway.revisions v"
                        + " WHERE r.id = ANY($1) AND v.id = r.revision_id AND r.status = 'pending'"
                        + " AND (r.lease_expires_at IS NULL OR r.lease_expires_at < now()) AND r.attempts < $4"
                        + " AND NOT EXISTS (SELECT 1 FROM gateway.runs earlier WHERE earlier.thread_id = r.thread_id"
                        + "   AND earlier.channel = r.channel AND earlier.status = 'pending'"
                        + "   AND earlier.accepted_seq < r.accepted_seq)"
                        + " RETURNING r.id, r.tenant_id, r.thread_id, r.channel, r.kind, r.status, r.environment,"
                        + " r.inputs::text AS inputs, v.config::text AS config,"
                        + " (SELECT json_agg(json_build_array(e.key, e.environment, e.value))::text"
                        + "   FROM gateway.environment_variables e WHERE e.tenant_id = r.tenant_id) AS stored_variables,"
                        + " (SELECT x.value FROM gateway.run_env_vars x WHERE x.run_id = r.id) AS run_variables")
                .execute(Tuple.of(runIds.toArray(new UUID[0]), owner, seconds(config.lease().duration()),
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
        return pool.preparedQuery("UPDATE gateway.runs SET lease_expires_at = now(), attempts = attempts - 1"
                        + " WHERE id = ANY($1) AND lease_owner = $2 AND status = 'pending' AND lease_expires_at > now()")
                .execute(Tuple.of(runIds.toArray(new UUID[0]), owner))
                .map(SqlResult::rowCount);
    }

    /** Extends the leases of the runs this worker executes. */
    public Uni<Void> heartbeat(Collection<UUID> runIds) {
        if (runIds.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return pool.preparedQuery("UPDATE gateway.runs SET lease_expires_at = now() + make_interval(secs => $3)"
                        + " WHERE id = ANY($1) AND lease_owner = $2 AND status = 'pending'")
                .execute(Tuple.of(runIds.toArray(new UUID[0]), owner, seconds(config.lease().duration())))
                .replaceWithVoid();
    }

    /**
     * Claims, for the sweeper, pending runs that used up their claims: claimed {@code max-claims} times and
     * their lease expired once more, so every worker that took them died or stalled before storing an outcome.
     * This claim counts too, but is never executed: the caller ends the runs failed, guarded by the lease it
     * holds now like any outcome. Should that not happen (this worker dies as well), the lease expires and the
     * next sweep claims them again for the same purpose.
     */
    public Uni<List<ExhaustedRun>> claimExhausted() {
        return pool.preparedQuery("UPDATE gateway.runs r SET lease_owner = $1,"
                        + " lease_expires_at = now() + make_interval(secs => $2), attempts = r.attempts + 1"
                        + " WHERE r.id IN (SELECT id FROM gateway.runs WHERE status = 'pending' AND attempts >= $3"
                        + "   AND lease_expires_at < now() ORDER BY created_at LIMIT $4 FOR UPDATE SKIP LOCKED)"
                        + " RETURNING r.id, r.tenant_id, r.kind, r.environment, r.attempts, r.traceparent")
                .execute(Tuple.of(owner, seconds(config.lease().duration()), config.maxClaims(), config.sweeper().batch()))
                .map(rows -> {
                    List<ExhaustedRun> runs = new ArrayList<>();
                    rows.forEach(row -> runs.add(new ExhaustedRun(row.getUUID("id"), row.getUUID("tenant_id"), kind(row),
                            row.getString("environment"), row.getInteger("attempts") - 1, row.getString("traceparent"))));
                    return runs;
                });
    }

    /**
     * @param claims      the claims that executed it before the sweeper's, which ends it
     * @param traceparent the run's trace (null: not traced)
     */
    public record ExhaustedRun(UUID id, UUID tenantId, RunKind kind, String environment, int claims,
            String traceparent) {
    }

    /**
     * Pending runs that need their request published again: a lease expired (its worker died) and the run
     * was not put back since, or the run was never claimed for {@code unclaimed-after} (its request may
     * never have reached the broker). Runs out of claims are not: {@link #claimExhausted} ends them. Locked
     * with SKIP LOCKED, so concurrent sweepers share the work; the rows are marked {@code requeued_at} in the
     * same transaction, after {@code publish} succeeded.
     *
     * @return the number of runs published
     */
    public Uni<Integer> requeue(Function<List<Traced<RunRequested>>, Uni<Void>> publish) {
        var sweeper = config.sweeper();
        return pool.withTransaction(connection -> connection.preparedQuery(
                        "SELECT id, tenant_id, thread_id, kind, priority, revision_id, created_at, traceparent FROM gateway.runs"
                                + " WHERE status = 'pending' AND attempts < $4 AND ("
                                + "   (lease_expires_at < now() AND (requeued_at IS NULL OR requeued_at < lease_expires_at"
                                + "     OR requeued_at < now() - make_interval(secs => $1)))"
                                + "   OR (lease_expires_at IS NULL AND created_at < now() - make_interval(secs => $2)"
                                + "     AND (requeued_at IS NULL OR requeued_at < now() - make_interval(secs => $1))))"
                                + " ORDER BY created_at LIMIT $3 FOR UPDATE SKIP LOCKED")
                .execute(Tuple.of(seconds(sweeper.requeueAfter()), seconds(sweeper.unclaimedAfter()), sweeper.batch(),
                        config.maxClaims()))
                .chain(rows -> {
                    List<Traced<RunRequested>> runs = new ArrayList<>();
                    rows.forEach(row -> runs.add(requested(row)));
                    if (runs.isEmpty()) {
                        return Uni.createFrom().item(0);
                    }
                    return publish.apply(runs)
                            .chain(() -> connection.preparedQuery(
                                            "UPDATE gateway.runs SET requeued_at = now() WHERE id = ANY($1)")
                                    .execute(Tuple.of(ids(runs, run -> run.event().runId()))))
                            .replaceWith(runs.size());
                }));
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
                        "SELECT id, tenant_id, kind, status, environment, finished_at, traceparent FROM gateway.runs"
                                + " WHERE finished_at IS NOT NULL AND notified_at IS NULL"
                                + " AND finished_at < now() - make_interval(secs => $1)"
                                + " ORDER BY finished_at LIMIT $2 FOR UPDATE SKIP LOCKED")
                .execute(Tuple.of(seconds(sweeper.unnotifiedAfter()), sweeper.batch()))
                .chain(rows -> {
                    List<Traced<RunFinished>> notices = new ArrayList<>();
                    rows.forEach(row -> notices.add(finished(row)));
                    if (notices.isEmpty()) {
                        return Uni.createFrom().item(0);
                    }
                    return publish.apply(notices)
                            .chain(() -> connection.preparedQuery(
                                            "UPDATE gateway.runs SET notified_at = now() WHERE id = ANY($1)")
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
