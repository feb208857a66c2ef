package dev.promptjuggler.gateway.persistence;

import dev.promptjuggler.contracts.Priority;
import dev.promptjuggler.contracts.RunKind;
import dev.promptjuggler.contracts.RunRequested;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * The outbox of accepted runs whose request the broker has not acknowledged yet ({@code gateway.run_outbox}).
 * {@link RunRepository#insert} writes a row with every run; a row leaves when its run's request is
 * acknowledged, whoever published it.
 */
@ApplicationScoped
public class RunOutbox {

    private final Pool pool;

    public RunOutbox(Pool pool) {
        this.pool = pool;
    }

    /**
     * Leases up to {@code limit} rows that are due (their request path gave up, or died) for {@code lease}, so
     * that no other relay publishes them meanwhile, and returns their requests as the gateway first built them.
     */
    public Uni<List<DueRun>> leaseDue(int limit, Duration lease) {
        return pool.preparedQuery("UPDATE gateway.run_outbox o SET relay_after = now() + make_interval(secs => $2)"
                        + " FROM gateway.runs r"
                        + " WHERE r.id = o.run_id AND o.run_id IN (SELECT run_id FROM gateway.run_outbox"
                        + "   WHERE relay_after <= now() ORDER BY relay_after LIMIT $1 FOR UPDATE SKIP LOCKED)"
                        + " RETURNING r.id, r.tenant_id, r.thread_id, r.kind, r.priority, r.revision_id, r.created_at,"
                        + " r.traceparent")
                .execute(Tuple.of(limit, lease.toMillis() / 1000.0))
                .map(rows -> {
                    List<DueRun> due = new ArrayList<>();
                    for (Row row : rows) {
                        due.add(new DueRun(new RunRequested(row.getUUID("id"), row.getUUID("tenant_id"), row.getUUID("thread_id"),
                                RunKind.valueOf(row.getString("kind").toUpperCase(Locale.ROOT)),
                                Priority.fromWireName(row.getString("priority")), row.getUUID("revision_id"),
                                row.getOffsetDateTime("created_at").toInstant()), row.getString("traceparent")));
                    }
                    return due;
                });
    }

    /** Removes the rows of runs whose request the broker acknowledged. */
    public Uni<Void> acknowledge(Collection<UUID> runIds) {
        return pool.preparedQuery("DELETE FROM gateway.run_outbox WHERE run_id = ANY($1)")
                .execute(Tuple.of(runIds.toArray(new UUID[0])))
                .replaceWithVoid();
    }

    /** A run the relay publishes, with the trace of the request that created it (null: not traced). */
    public record DueRun(RunRequested request, String traceparent) {
    }
}
