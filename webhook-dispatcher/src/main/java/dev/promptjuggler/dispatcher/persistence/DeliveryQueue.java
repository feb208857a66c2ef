package dev.promptjuggler.dispatcher.persistence;

import dev.promptjuggler.dispatcher.client.AttemptResult;
import dev.promptjuggler.dispatcher.delivery.ClaimedDelivery;
import dev.promptjuggler.dispatcher.delivery.RunRevision;
import dev.promptjuggler.dispatcher.delivery.FailurePolicy;
import dev.promptjuggler.dispatcher.delivery.FailurePolicy.Decision;
import dev.promptjuggler.runtime.persistence.KeptPlans;
import dev.promptjuggler.runtime.persistence.KeptPlans.Statement;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/**
 * The delivery queue ({@code dispatch.deliveries} and the attempts log): claims under a lease, attempt
 * results, and the sweeping of expired leases. The fan-out ({@link FanOutStore}) fills it; an attempt's
 * effect on its endpoint goes to {@link EndpointHealthStore} in the same transaction.
 */
@ApplicationScoped
public class DeliveryQueue {

    /*
     * $5: how many attempts an open circuit lets through once its probe is due. The endpoints with pending
     * deliveries and each one's oldest are found by index probes (a loose scan of deliveries_due), so a claim costs
     * the same with 10 or 100,000 deliveries waiting; a grouping of the pending rows read them all at every claim,
     * which made a backlog slow to drain (docs/benchmarks.md, e2e journal of 2026-12-05).
     */
    private static final String CLAIM = """
            WITH RECURSIVE pending_endpoints AS (
                (SELECT d.endpoint_id FROM dispatch.deliveries d
                 WHERE d.status = 'pending' ORDER BY d.endpoint_id LIMIT 1)
                UNION ALL
                SELECT (SELECT d.endpoint_id FROM dispatch.deliveries d
                        WHERE d.status = 'pending' AND d.endpoint_id > p.endpoint_id ORDER BY d.endpoint_id LIMIT 1)
                FROM pending_endpoints p
                WHERE p.endpoint_id IS NOT NULL
            ), ready AS (
                SELECT p.endpoint_id, o.oldest
                FROM pending_endpoints p
                CROSS JOIN LATERAL (
                    SELECT d.next_attempt_at AS oldest FROM dispatch.deliveries d
                    WHERE d.endpoint_id = p.endpoint_id AND d.status = 'pending'
                    ORDER BY d.next_attempt_at LIMIT 1) o
                WHERE o.oldest <= now()
            ), open_endpoints AS (
                SELECT r.endpoint_id, coalesce(h.circuit = 'open', false) AS probe,
                       CASE WHEN h.circuit = 'open' THEN $5::int ELSE $1 END
                         - (SELECT count(*) FROM dispatch.deliveries s
                            WHERE s.endpoint_id = r.endpoint_id AND s.status = 'sending' AND s.leased_until > now()) AS slots
                FROM ready r
                JOIN gateway.webhook_endpoints w ON w.id = r.endpoint_id AND w.enabled
                LEFT JOIN dispatch.endpoint_health h ON h.endpoint_id = r.endpoint_id
                WHERE h.endpoint_id IS NULL
                   OR (h.disabled_at IS NULL
                       AND (h.paused_until IS NULL OR h.paused_until <= now())
                       AND (h.circuit = 'closed' OR h.next_probe_at <= now()))
                ORDER BY r.oldest
                LIMIT $2
            ), picked AS (
                SELECT c.id, o.probe
                FROM open_endpoints o
                CROSS JOIN LATERAL (
                    SELECT d.id FROM dispatch.deliveries d
                    WHERE d.endpoint_id = o.endpoint_id AND d.status = 'pending' AND d.next_attempt_at <= now()
                    ORDER BY d.next_attempt_at
                    LIMIT greatest(o.slots, 0)
                    FOR UPDATE OF d SKIP LOCKED) c
                LIMIT $3
            )
            UPDATE dispatch.deliveries d
            SET status = 'sending', leased_until = now() + $4 * interval '1 millisecond', claims = d.claims + 1
            FROM picked p, dispatch.events e, gateway.webhook_endpoints w
            WHERE d.id = p.id AND e.id = d.event_id AND w.id = d.endpoint_id
            RETURNING d.id, d.event_id, d.endpoint_id, d.tenant_id, d.attempts, d.schedule_offset, e.type, e.payload,
                      e.revision_id, e.revision_version, e.traceparent, w.url, w.secret, p.probe,
                      ARRAY(SELECT s.secret FROM gateway.webhook_endpoint_secrets s
                            WHERE s.endpoint_id = w.id AND s.expires_at > now() ORDER BY s.retired_at) AS retiring
            """;

    private static final String RECORD_SUCCESSES = """
            WITH done AS (
                SELECT * FROM unnest($1::uuid[], $2::int[], $3::int[], $4::int[], $5::text[])
                    AS t(id, attempt, status_code, latency_ms, excerpt)
            ), attempts AS (
                INSERT INTO dispatch.delivery_attempts (delivery_id, attempt, status_code, latency_ms, response_excerpt)
                SELECT id, attempt, status_code, latency_ms, excerpt FROM done
            )
            UPDATE dispatch.deliveries d SET attempts = done.attempt, status = 'delivered', leased_until = NULL, claims = 0,
                last_attempt_at = now(), last_status_code = done.status_code, last_error = NULL,
                last_error_class = NULL, delivered_at = now()
            FROM done WHERE d.id = done.id
            """;

    /* The attempt and the delivery's next state in one statement; $4 null keeps the delivery's next_attempt_at. */
    private static final String RECORD_FAILURE = """
            WITH attempt AS (
                INSERT INTO dispatch.delivery_attempts
                    (delivery_id, attempt, status_code, latency_ms, error, error_class, response_excerpt)
                VALUES ($1, $2, $5, $8, $6, $7, $9)
            )
            UPDATE dispatch.deliveries SET attempts = $2, status = $3, next_attempt_at = coalesce($4, next_attempt_at),
                leased_until = NULL, claims = 0, last_attempt_at = now(), last_status_code = $5, last_error = $6,
                last_error_class = $7
            WHERE id = $1
            """;

    private final Pool pool;
    private final EndpointHealthStore health;

    public DeliveryQueue(Pool pool, EndpointHealthStore health) {
        this.pool = pool;
        this.health = health;
    }

    /**
     * Leases due deliveries to this dispatcher: oldest due work first, at most {@code perEndpoint} in
     * flight per endpoint (one while its circuit is open), none for endpoints that are paused, disabled
     * or switched off by their owner. Rows another dispatcher is claiming are skipped, not waited for.
     */
    public Uni<List<ClaimedDelivery>> claim(int limit, int perEndpoint, int endpointsPerClaim, Duration lease) {
        // Unflushed and on its kept plan, as relaxed() says.
        return KeptPlans.unflushedStatement(pool, CLAIM,
                        Tuple.of(perEndpoint, endpointsPerClaim, limit, lease.toMillis(), FailurePolicy.PROBES_AT_ONCE))
                .map(DeliveryQueue::claimed);
    }

    private static RunRevision revision(Row row) {
        UUID id = row.getUUID("revision_id");
        return id == null ? null : new RunRevision(id, row.getInteger("revision_version"));
    }

    private static List<ClaimedDelivery> claimed(RowSet<Row> rows) {
        List<ClaimedDelivery> claimed = new ArrayList<>();
        for (Row row : rows) {
            List<String> secrets = new ArrayList<>(Arrays.asList(row.getArrayOfStrings("retiring")));
            secrets.add(row.getString("secret"));
            int attempts = row.getInteger("attempts");
            claimed.add(new ClaimedDelivery(row.getUUID("id"), row.getUUID("event_id"), row.getUUID("endpoint_id"),
                    row.getUUID("tenant_id"), attempts + 1, attempts - row.getInteger("schedule_offset"),
                    row.getString("type"), row.getString("payload"), row.getString("url"), List.copyOf(secrets),
                    row.getBoolean("probe"), revision(row), row.getString("traceparent")));
        }
        return claimed;
    }

    /**
     * Records successful attempts, many in one transaction (the dispatcher's group commit): the
     * deliveries are done, and each endpoint's failure streak ends, which closes an open circuit so its
     * parked backlog drains.
     */
    public Uni<Void> recordSuccesses(List<Success> successes) {
        Tuple done = Tuple.of(
                successes.stream().map(success -> success.delivery().id()).toArray(UUID[]::new),
                successes.stream().map(success -> success.delivery().attempt()).toArray(Integer[]::new),
                successes.stream().map(success -> success.result().statusCode()).toArray(Integer[]::new),
                successes.stream().map(success -> success.result().latencyMs()).toArray(Integer[]::new),
                successes.stream().map(success -> success.result().responseExcerpt()).toArray(String[]::new));
        // Unflushed and on kept plans, as relaxed() says; both statements in one round trip.
        return KeptPlans.unflushedStatements(pool, new Statement(RECORD_SUCCESSES, done),
                        health.healthy(successes.stream().map(Success::delivery).toList()))
                .replaceWithVoid();
    }

    public record Success(ClaimedDelivery delivery, AttemptResult result) {
    }

    /**
     * Records a failed attempt as {@code policy} decides it, from the endpoint's health locked for the
     * decision: the endpoint's new health, then the delivery's next attempt, failure or miss. When the
     * endpoint ends up disabled, every delivery still waiting for it becomes {@code missed}.
     */
    public Uni<Decision> recordFailure(ClaimedDelivery delivery, AttemptResult result, FailurePolicy policy) {
        return relaxed(connection -> health.lock(connection, delivery.endpointId(), delivery.tenantId())
                .chain(locked -> {
                    Decision decision = policy.afterFailure(locked.health(), delivery, result, locked.now());
                    String status = switch (decision.delivery()) {
                        case RETRY -> "pending";
                        case FAILED -> "failed";
                        case MISSED -> "missed";
                    };
                    return health.recordFailure(connection, delivery.endpointId(), decision.endpoint())
                            .chain(() -> connection.preparedQuery(RECORD_FAILURE)
                                    .execute(Tuple.from(Arrays.asList(delivery.id(), delivery.attempt(), status,
                                            decision.nextAttemptAt(), result.statusCode(), result.error(),
                                            result.errorClass(), result.latencyMs(), result.responseExcerpt()))))
                            .chain(() -> decision.endpointDisabled()
                                    ? parkForReenable(connection, delivery.endpointId()) : Uni.createFrom().voidItem())
                            .replaceWith(decision);
                }));
    }

    /**
     * A transaction whose commit does not wait for the WAL flush (the claim and the recorded successes, whose
     * statements need no answer of another, commit so too). Only for the delivery path: losing its last fraction of a
     * second in a database crash can only make a delivery go out once more (leases, attempts and "delivered" are
     * redone), never lose one. The fan-out, which the Kafka offset depends on, and the operator's controls commit
     * durably.
     *
     * <p>Its statements run on their kept plans: planned for their arguments, half of all claims were planned anew,
     * 1.4 ms a plan, more than the claim's execution (docs/benchmarks.md, e2e journal of 2026-12-05 06:40–07:50).
     */
    private <T> Uni<T> relaxed(Function<SqlConnection, Uni<T>> work) {
        return KeptPlans.unflushedTransaction(pool, work);
    }

    private static Uni<Void> parkForReenable(SqlConnection connection, UUID endpointId) {
        return connection.preparedQuery("UPDATE dispatch.deliveries SET status = 'missed', leased_until = NULL"
                        + " WHERE endpoint_id = $1 AND status = 'pending'")
                .execute(Tuple.of(endpointId))
                .replaceWithVoid();
    }

    /**
     * Returns deliveries whose lease expired (their dispatcher died or stalled mid-attempt) to the queue, except
     * those leased {@code maxClaims} times since their last recorded attempt: every dispatcher that took them
     * stopped before recording anything, so they end {@code failed} (error class {@code abandoned}) instead of
     * taking the next one down with them.
     */
    public Uni<Swept> sweep(int maxClaims) {
        return pool.preparedQuery("UPDATE dispatch.deliveries SET leased_until = NULL,"
                        + " status = CASE WHEN claims >= $1 THEN 'failed' ELSE 'pending' END,"
                        + " last_error_class = CASE WHEN claims >= $1 THEN 'abandoned' ELSE last_error_class END,"
                        + " last_error = CASE WHEN claims >= $1 THEN 'abandoned after ' || claims || ' claims without a"
                        + " recorded attempt: each time, the dispatcher sending it stopped or stalled' ELSE last_error END"
                        + " WHERE status = 'sending' AND leased_until < now()"
                        + " RETURNING id, status")
                .execute(Tuple.of(maxClaims))
                .map(rows -> {
                    List<UUID> abandoned = new ArrayList<>();
                    for (Row row : rows) {
                        if ("failed".equals(row.getString("status"))) {
                            abandoned.add(row.getUUID("id"));
                        }
                    }
                    return new Swept(rows.rowCount() - abandoned.size(), abandoned);
                });
    }

    /**
     * @param requeued  how many deliveries went back to the queue
     * @param abandoned the deliveries failed because they were out of claims
     */
    public record Swept(int requeued, List<UUID> abandoned) {
    }
}
