package dev.promptjuggler.gateway.persistence;

import com.fasterxml.jackson.databind.JsonNode;
import dev.promptjuggler.contracts.RunKind;
import dev.promptjuggler.gateway.api.ApiException;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Run records. The gateway inserts them ({@code gateway.runs}, what it accepted) and changes them only to erase them
 * ({@link ThreadRepository}) or prune them ({@link RetentionRepository}); a run's
 * state and outcome are run-executor's ({@code executor.run_states}), read through the view
 * {@code gateway.runs_with_state}.
 */
@ApplicationScoped
public class RunRepository {

    private static final String IDEMPOTENCY_WINDOW = "interval '24 hours'";

    private final Pool pool;
    private final JsonColumns json;
    private final RunInserts inserts;

    public RunRepository(Pool pool, JsonColumns json) {
        this.pool = pool;
        this.json = json;
        this.inserts = new RunInserts(pool, json);
    }

    /** The tenant a thread belongs to; empty when no tenant has used that thread id yet. */
    public Uni<Optional<UUID>> threadOwner(UUID threadId) {
        return pool.preparedQuery("SELECT tenant_id FROM gateway.threads WHERE id = $1")
                .execute(Tuple.of(threadId))
                .map(rows -> TenantRepository.first(rows).map(row -> row.getUUID("tenant_id")));
    }

    /**
     * Inserts the run, its outbox row, its thread, and its idempotency key when there is one, atomically: once that
     * commits, the run is accepted, published or not. A run on a fresh thread without an idempotency key is stored
     * in one statement, shared with the runs of concurrent requests ({@link RunInserts}); the others need a
     * transaction of their own for their checks.
     *
     * @param thread     a fresh thread id of the gateway's, or the one the caller named: created for the run's
     *                   tenant when no tenant has used it yet, refused (404, nothing stored) when another has
     * @param relayAfter how long the request path has to publish the run before the relay takes it over
     * @return false when another request took the idempotency key first (nothing was inserted)
     */
    public Uni<Boolean> insert(NewRun run, ThreadUse thread, IdempotencyRecord idempotency, Duration relayAfter) {
        boolean freshThread = thread == ThreadUse.FRESH;
        if (idempotency == null && freshThread) {
            return inserts.insert(run, true, relayAfter).replaceWith(true);
        }
        return pool.withTransaction(connection -> claimKey(connection, run, idempotency).chain(claimed -> {
            if (!claimed) {
                return Uni.createFrom().failure(new KeyTaken());
            }
            return (freshThread ? Uni.createFrom().voidItem() : namedThread(connection, run))
                    .chain(() -> inserts.insertNow(connection, run, freshThread, relayAfter))
                    .replaceWith(true);
        })).onFailure(KeyTaken.class).recoverWithItem(false);
    }

    /**
     * A named thread is inserted if absent, then its owner read back in a statement of its own: when two tenants
     * name the same new id at once, the second insert waits for the first transaction, and the read (a fresh
     * snapshot under READ COMMITTED) then sees the winner's row, so the loser is refused rather than let in.
     */
    private static Uni<Void> namedThread(SqlConnection connection, NewRun run) {
        return connection.preparedQuery("INSERT INTO gateway.threads (id, tenant_id) VALUES ($1, $2)"
                        + " ON CONFLICT (id) DO NOTHING")
                .execute(Tuple.of(run.threadId(), run.tenantId()))
                // FOR SHARE: an erasure of the thread (which locks its row FOR UPDATE) either finished before, and
                // is seen here, or waits for this run and then finds it.
                .chain(() -> connection.preparedQuery("SELECT tenant_id, erased_at FROM gateway.threads WHERE id = $1"
                                + " FOR SHARE")
                        .execute(Tuple.of(run.threadId())))
                .map(rows -> {
                    Row owner = rows.iterator().next();
                    if (!run.tenantId().equals(owner.getUUID("tenant_id"))) {
                        // Another tenant's thread is reported exactly like a missing one.
                        throw ApiException.notFound("thread " + run.threadId() + " not found");
                    }
                    if (owner.getOffsetDateTime("erased_at") != null) {
                        throw ApiException.gone("thread " + run.threadId() + " was erased");
                    }
                    return null;
                });
    }

    private static Uni<Boolean> claimKey(SqlConnection connection, NewRun run, IdempotencyRecord idempotency) {
        if (idempotency == null) {
            return Uni.createFrom().item(true);
        }
        return connection.preparedQuery("DELETE FROM gateway.idempotency_keys WHERE tenant_id = $1 AND key = $2"
                        + " AND created_at <= now() - " + IDEMPOTENCY_WINDOW)
                .execute(Tuple.of(run.tenantId(), idempotency.key()))
                .chain(() -> connection.preparedQuery("INSERT INTO gateway.idempotency_keys"
                                + " (tenant_id, key, request_hash, run_id, thread_id) VALUES ($1, $2, $3, $4, $5)"
                                + " ON CONFLICT (tenant_id, key) DO NOTHING")
                        .execute(Tuple.of(run.tenantId(), idempotency.key(), idempotency.requestHash(), run.id(),
                                run.threadId())))
                .map(rows -> rows.rowCount() == 1);
    }

    /** The run an idempotency key was used for within the last 24 hours. */
    public Uni<Optional<IdempotentRun>> findByIdempotencyKey(UUID tenantId, String key) {
        return pool.preparedQuery("SELECT k.request_hash, k.run_id, k.thread_id, r.revision_id"
                        + " FROM gateway.idempotency_keys k LEFT JOIN gateway.runs r ON r.id = k.run_id"
                        + " WHERE k.tenant_id = $1 AND k.key = $2 AND k.created_at > now() - " + IDEMPOTENCY_WINDOW)
                .execute(Tuple.of(tenantId, key))
                .map(rows -> TenantRepository.first(rows).map(row -> new IdempotentRun(row.getString("request_hash"),
                        row.getUUID("run_id"), row.getUUID("thread_id"), row.getUUID("revision_id"))));
    }

    public Uni<Optional<RunRow>> find(UUID tenantId, UUID id, RunKind kind) {
        return pool.preparedQuery("SELECT r.id, status, r.created_at, finished_at, output, error,"
                        + " token_usage::text AS token_usage, cost::text AS cost, transcript::text AS transcript,"
                        + " emitted::text AS emitted, outputs::text AS outputs, errors::text AS errors,"
                        + " revision_id, revision_version, thread_id, t.erased_at"
                        + " FROM gateway.runs_with_state r JOIN gateway.threads t ON t.id = r.thread_id"
                        + " WHERE r.tenant_id = $1 AND r.id = $2 AND r.kind = $3")
                .execute(Tuple.of(tenantId, id, kind.wireName()))
                .map(rows -> TenantRepository.first(rows).map(this::run));
    }

    private RunRow run(Row row) {
        return new RunRow(row.getUUID("id"), row.getString("status"), row.getOffsetDateTime("created_at"),
                row.getOffsetDateTime("finished_at"), row.getString("output"), row.getString("error"),
                json.tree(row.getString("token_usage")), json.tree(row.getString("cost")),
                json.tree(row.getString("transcript")), json.tree(row.getString("emitted")),
                json.tree(row.getString("outputs")), json.tree(row.getString("errors")), row.getUUID("revision_id"),
                row.getInteger("revision_version"), row.getUUID("thread_id"), row.getOffsetDateTime("erased_at"));
    }

    /**
     * Erases the per-request envVars of runs that have ended: nothing reads them after the run's last claim, and
     * they are secrets. Only an ended run's: a pending run may be claimed again and needs them.
     *
     * @return how many runs' variables were erased
     */
    public Uni<Integer> eraseEndedRunsVariables() {
        return pool.preparedQuery("DELETE FROM gateway.run_env_vars v USING executor.run_states s"
                        + " WHERE s.run_id = v.run_id AND s.status <> 'pending'")
                .execute()
                .map(rows -> rows.rowCount());
    }

    /** Where a run's thread id came from. */
    public enum ThreadUse {
        /** Generated by the gateway for this run: new for certain. */
        FRESH,
        /** Named by the caller: an existing thread of theirs, or one to create for them. */
        NAMED
    }

    public record IdempotencyRecord(String key, String requestHash) {
    }

    public record IdempotentRun(String requestHash, UUID runId, UUID threadId, UUID revisionId) {
    }

    private static final class KeyTaken extends RuntimeException {
        KeyTaken() {
            super(null, null, false, false);
        }
    }

    /** @param apiKeyId the key that asked for the run (usage per key) */
    public record NewRun(UUID id, UUID tenantId, RunKind kind, UUID threadId, String channel, String priority,
            String environment, UUID revisionId, int revisionVersion, Map<String, String> inputs,
            Map<String, Object> metadata, String encryptedEnvVars, String traceparent, UUID apiKeyId) {
    }

    public record RunRow(UUID id, String status, OffsetDateTime createdAt, OffsetDateTime finishedAt, String output,
            String error, JsonNode tokenUsage, JsonNode cost, JsonNode transcript, JsonNode emitted, JsonNode outputs,
            JsonNode errors, UUID revisionId, int revisionVersion, UUID threadId, OffsetDateTime erasedAt) {
    }
}
