package dev.promptjuggler.gateway.persistence;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Threads as the management API shows, forks and erases them. The thread row and its runs are the gateway's;
 * the memory is run-executor's {@code executor.thread_messages}, read here and written only through run-executor's
 * own functions {@code executor.fork_thread_memory} and {@code executor.erase_thread} (migration
 * {@code executor/V16_31}), inside the gateway's transaction.
 */
@ApplicationScoped
public class ThreadRepository {

    private final Pool pool;

    public ThreadRepository(Pool pool) {
        this.pool = pool;
    }

    /** The tenant's thread, erased or not; empty for an unknown thread or another tenant's. */
    public Uni<Optional<ThreadRow>> find(UUID tenantId, UUID id) {
        return pool.preparedQuery("SELECT id, created_at, erased_at FROM gateway.threads WHERE id = $1 AND tenant_id = $2")
                .execute(Tuple.of(id, tenantId))
                .map(rows -> TenantRepository.first(rows).map(ThreadRepository::thread));
    }

    /** The thread's runs in the order they were accepted. */
    public Uni<List<ThreadRunRow>> runs(UUID threadId) {
        return pool.preparedQuery("SELECT id, kind, channel, status, created_at FROM gateway.runs_with_state"
                        + " WHERE thread_id = $1 ORDER BY accepted_seq")
                .execute(Tuple.of(threadId))
                .map(rows -> {
                    List<ThreadRunRow> runs = new ArrayList<>();
                    for (Row row : rows) {
                        runs.add(new ThreadRunRow(row.getUUID("id"), row.getString("kind"), row.getString("channel"),
                                row.getString("status"), row.getOffsetDateTime("created_at")));
                    }
                    return runs;
                });
    }

    /** The thread's memory, every channel, in the order it was written. */
    public Uni<List<MessageRow>> memory(UUID threadId) {
        return pool.preparedQuery("SELECT id, channel, role, content, run_id, created_at FROM executor.thread_messages"
                        + " WHERE thread_id = $1 ORDER BY id")
                .execute(Tuple.of(threadId))
                .map(ThreadRepository::messages);
    }

    /**
     * The newest {@code count} messages of the thread written before message {@code before}, newest first: of one
     * channel (index {@code thread_messages_lane}), or of every channel when {@code channel} is null (index
     * {@code thread_messages_thread}).
     *
     * @param before a message id; {@link Long#MAX_VALUE} for the newest
     */
    public Uni<List<MessageRow>> messagesBefore(UUID threadId, String channel, long before, int count) {
        String columns = "SELECT id, channel, role, content, run_id, created_at FROM executor.thread_messages";
        return (channel == null
                ? pool.preparedQuery(columns + " WHERE thread_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3")
                        .execute(Tuple.of(threadId, before, count))
                : pool.preparedQuery(columns + " WHERE thread_id = $1 AND channel = $2 AND id < $3"
                                + " ORDER BY id DESC LIMIT $4")
                        .execute(Tuple.of(threadId, channel, before, count)))
                .map(ThreadRepository::messages);
    }

    private static List<MessageRow> messages(RowSet<Row> rows) {
        List<MessageRow> messages = new ArrayList<>();
        for (Row row : rows) {
            messages.add(new MessageRow(row.getLong("id"), row.getString("channel"), row.getString("role"),
                    row.getString("content"), row.getUUID("run_id"), row.getOffsetDateTime("created_at")));
        }
        return messages;
    }

    /**
     * A new thread of the tenant's holding the source thread's memory up to and including message {@code upTo}.
     * The source's row is share-locked, so an erasure cannot slip in between the checks and the copy.
     */
    public Uni<Fork> fork(UUID tenantId, UUID source, long upTo) {
        UUID target = UUID.randomUUID();
        return pool.withTransaction(connection -> locked(connection, tenantId, source, "FOR SHARE").chain(thread -> {
            if (thread.isEmpty()) {
                return Uni.createFrom().item(new Fork(ForkOutcome.NOT_FOUND, null));
            }
            if (thread.get().erasedAt() != null) {
                return Uni.createFrom().item(new Fork(ForkOutcome.ERASED, null));
            }
            return connection.preparedQuery("SELECT 1 FROM executor.thread_messages WHERE id = $1 AND thread_id = $2")
                    .execute(Tuple.of(upTo, source))
                    .chain(message -> message.rowCount() == 0 ? Uni.createFrom().item(new Fork(ForkOutcome.NO_SUCH_MESSAGE, null))
                            : connection.preparedQuery("INSERT INTO gateway.threads (id, tenant_id) VALUES ($1, $2)")
                                    .execute(Tuple.of(target, tenantId))
                                    .chain(() -> connection.preparedQuery("SELECT executor.fork_thread_memory($1, $2, $3)")
                                            .execute(Tuple.of(source, target, upTo)))
                                    .replaceWith(new Fork(ForkOutcome.FORKED, target)));
        }));
    }

    /**
     * Erases the thread: the runs' inputs and metadata here, and run-executor's memory, outputs, transcripts and
     * node results through its {@code executor.erase_thread}, in one transaction. The thread's row is locked
     * first: a run accepted onto the thread before that is seen (and refuses the erasure while it is pending), one
     * accepted after it finds the thread erased.
     */
    public Uni<ErasureOutcome> erase(UUID tenantId, UUID id) {
        return pool.withTransaction(connection -> locked(connection, tenantId, id, "FOR UPDATE").chain(thread -> {
            if (thread.isEmpty()) {
                return Uni.createFrom().item(ErasureOutcome.NOT_FOUND);
            }
            if (thread.get().erasedAt() != null) {
                return Uni.createFrom().item(ErasureOutcome.ALREADY_ERASED);
            }
            return connection.preparedQuery("SELECT 1 FROM gateway.runs_with_state WHERE thread_id = $1"
                            + " AND status = 'pending' LIMIT 1")
                    .execute(Tuple.of(id))
                    .chain(pending -> pending.rowCount() > 0 ? Uni.createFrom().item(ErasureOutcome.RUNS_PENDING)
                            : connection.preparedQuery("WITH runs AS (UPDATE gateway.runs SET inputs = '{}', metadata = '{}'"
                                            + " WHERE thread_id = $1 RETURNING id),"
                                            + " variables AS (DELETE FROM gateway.run_env_vars v USING runs"
                                            + " WHERE v.run_id = runs.id)"
                                            + " UPDATE gateway.threads SET erased_at = now() WHERE id = $1")
                                    .execute(Tuple.of(id))
                                    .chain(() -> connection.preparedQuery("SELECT executor.erase_thread($1)")
                                            .execute(Tuple.of(id)))
                                    .replaceWith(ErasureOutcome.ERASED));
        }));
    }

    private static Uni<Optional<ThreadRow>> locked(SqlConnection connection, UUID tenantId, UUID id, String lock) {
        return connection.preparedQuery("SELECT id, created_at, erased_at FROM gateway.threads"
                        + " WHERE id = $1 AND tenant_id = $2 " + lock)
                .execute(Tuple.of(id, tenantId))
                .map(rows -> TenantRepository.first(rows).map(ThreadRepository::thread));
    }

    private static ThreadRow thread(Row row) {
        return new ThreadRow(row.getUUID("id"), row.getOffsetDateTime("created_at"), row.getOffsetDateTime("erased_at"));
    }

    public record ThreadRow(UUID id, OffsetDateTime createdAt, OffsetDateTime erasedAt) {
    }

    public record ThreadRunRow(UUID id, String kind, String channel, String status, OffsetDateTime createdAt) {
    }

    public record MessageRow(long id, String channel, String role, String content, UUID runId,
            OffsetDateTime createdAt) {
    }

    public enum ForkOutcome { FORKED, NOT_FOUND, ERASED, NO_SUCH_MESSAGE }

    /** @param thread the new thread, when forked */
    public record Fork(ForkOutcome outcome, UUID thread) {
    }

    public enum ErasureOutcome { ERASED, ALREADY_ERASED, NOT_FOUND, RUNS_PENDING }
}
