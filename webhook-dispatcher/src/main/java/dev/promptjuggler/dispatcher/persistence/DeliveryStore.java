package dev.promptjuggler.dispatcher.persistence;

import dev.promptjuggler.contracts.EnvironmentGlob;
import dev.promptjuggler.dispatcher.delivery.FinishedEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.UUID;

/**
 * The delivery queue: fan-out, claims under a lease, attempt results with the endpoint's health,
 * lease sweeping and pruning. Endpoints are api-gateway's ({@code gateway.webhook_endpoints}, with
 * retiring secrets in {@code gateway.webhook_endpoint_secrets}); this service only reads them.
 */
@ApplicationScoped
public class DeliveryStore {

    private static final String CLAIM = """
            WITH ready AS (
                SELECT d.endpoint_id, min(d.next_attempt_at) AS oldest
                FROM dispatch.deliveries d
                WHERE d.status = 'pending' AND d.next_attempt_at <= now()
                GROUP BY d.endpoint_id
            ), open_endpoints AS (
                SELECT r.endpoint_id, coalesce(h.circuit = 'open', false) AS probe,
                       -- an open circuit lets exactly one probe through
                       CASE WHEN h.circuit = 'open' THEN 1 ELSE $1 END
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
                      w.url, w.secret, p.probe,
                      ARRAY(SELECT s.secret FROM gateway.webhook_endpoint_secrets s
                            WHERE s.endpoint_id = w.id AND s.expires_at > now() ORDER BY s.retired_at) AS retiring
            """;

    private static final String FAN_OUT_ENDPOINTS = """
            SELECT w.id, w.tenant_id, w.environment, w.events, w.url, w.secret,
                   ARRAY(SELECT s.secret FROM gateway.webhook_endpoint_secrets s
                         WHERE s.endpoint_id = w.id AND s.expires_at > now() ORDER BY s.retired_at) AS retiring,
                   h.disabled_at IS NOT NULL AS disabled,
                   (h.endpoint_id IS NULL OR (h.circuit = 'closed'
                       AND (h.paused_until IS NULL OR h.paused_until <= now()))) AS ready,
                   (SELECT count(*) FROM dispatch.deliveries s
                    WHERE s.endpoint_id = w.id AND s.status = 'sending' AND s.leased_until > now()) AS sending
            FROM gateway.webhook_endpoints w
            LEFT JOIN dispatch.endpoint_health h ON h.endpoint_id = w.id
            WHERE w.tenant_id = ANY ($1) AND w.enabled
            """;

    /*
     * Events ($1-$5) and their deliveries ($6-$10) in one statement: deliveries of events that were
     * stored before (a repeat) are dropped with them. $11: the first attempts' lease (ms).
     */
    private static final String FAN_OUT = """
            WITH fresh AS (
                INSERT INTO dispatch.events (id, tenant_id, type, environment, payload)
                SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[])
                ON CONFLICT (id) DO NOTHING
                RETURNING id
            )
            INSERT INTO dispatch.deliveries (id, event_id, endpoint_id, tenant_id, status, leased_until, claims)
            SELECT x.i, x.e, x.w, x.t, x.s, CASE WHEN x.s = 'sending' THEN now() + $11 * interval '1 millisecond' END,
                   CASE WHEN x.s = 'sending' THEN 1 ELSE 0 END
            FROM unnest($6::uuid[], $7::uuid[], $8::uuid[], $9::uuid[], $10::text[]) AS x(i, e, w, t, s)
            JOIN fresh ON fresh.id = x.e
            RETURNING id, status
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

    /* Rows sorted by endpoint, so concurrent writers lock them in one order; a healthy row is rewritten at most once a second. */
    private static final String RECORD_HEALTHY = """
            INSERT INTO dispatch.endpoint_health AS h (endpoint_id, tenant_id, last_success_at)
            SELECT e, t, now() FROM unnest($1::uuid[], $2::uuid[]) AS x(e, t) ORDER BY e
            ON CONFLICT (endpoint_id) DO UPDATE SET
                circuit = 'closed', consecutive_failures = 0, opened_at = NULL, next_probe_at = NULL,
                probe_interval_ms = NULL, last_success_at = now(), updated_at = now()
            WHERE h.circuit <> 'closed' OR h.consecutive_failures <> 0 OR h.last_success_at IS NULL
                OR h.last_success_at < now() - interval '1 second'
            """;

    /*
     * $3 threshold, $4 first probe wait (ms), $5 longest probe wait (ms), $6 pause until (Retry-After),
     * $7 reason to disable now (410), $8 how long an open circuit may last before the endpoint is disabled (ms),
     * $9 whether the failed attempt was the open circuit's probe. Only a failed probe moves the probe schedule
     * on: the attempts already in flight when the circuit opened fail one by one after it, and each doubling the
     * wait would put the first probe minutes away (8 stragglers took it from 5 s to the 10-minute cap).
     */
    private static final String RECORD_FAILURE = """
            INSERT INTO dispatch.endpoint_health AS h (endpoint_id, tenant_id, consecutive_failures, last_failure_at,
                circuit, opened_at, next_probe_at, probe_interval_ms, paused_until, disabled_at, disabled_reason)
            VALUES ($1, $2, 1, now(),
                CASE WHEN $3 <= 1 THEN 'open' ELSE 'closed' END,
                CASE WHEN $3 <= 1 THEN now() END,
                CASE WHEN $3 <= 1 THEN now() + $4 * interval '1 millisecond' END,
                CASE WHEN $3 <= 1 THEN $4 END,
                $6, CASE WHEN $7::text IS NOT NULL THEN now() END, $7)
            ON CONFLICT (endpoint_id) DO UPDATE SET
                consecutive_failures = h.consecutive_failures + 1,
                last_failure_at = now(),
                circuit = CASE WHEN h.circuit = 'open' OR h.consecutive_failures + 1 >= $3 THEN 'open' ELSE 'closed' END,
                opened_at = CASE WHEN h.circuit = 'open' THEN h.opened_at
                                 WHEN h.consecutive_failures + 1 >= $3 THEN now() END,
                probe_interval_ms = CASE WHEN h.circuit = 'open' AND NOT $9 THEN h.probe_interval_ms
                                         WHEN h.circuit = 'open' THEN least(h.probe_interval_ms * 2, $5)
                                         WHEN h.consecutive_failures + 1 >= $3 THEN $4 END,
                next_probe_at = CASE WHEN h.circuit = 'open' AND NOT $9 THEN h.next_probe_at
                                     WHEN h.circuit = 'open' THEN now() + least(h.probe_interval_ms * 2, $5) * interval '1 millisecond'
                                     WHEN h.consecutive_failures + 1 >= $3 THEN now() + $4 * interval '1 millisecond' END,
                paused_until = CASE WHEN $6::timestamptz IS NULL THEN h.paused_until
                                    ELSE greatest(h.paused_until, $6::timestamptz) END,
                disabled_reason = CASE WHEN h.disabled_at IS NOT NULL THEN h.disabled_reason
                                       WHEN $7::text IS NOT NULL THEN $7::text
                                       WHEN h.circuit = 'open' AND h.opened_at < now() - $8 * interval '1 millisecond'
                                           THEN 'failing since ' || h.opened_at::text END,
                disabled_at = CASE WHEN h.disabled_at IS NOT NULL THEN h.disabled_at
                                   WHEN $7::text IS NOT NULL THEN now()
                                   WHEN h.circuit = 'open' AND h.opened_at < now() - $8 * interval '1 millisecond' THEN now() END,
                updated_at = now()
            RETURNING h.disabled_at IS NOT NULL AS disabled, h.paused_until
            """;

    private final Pool pool;

    public DeliveryStore(Pool pool) {
        this.pool = pool;
    }

    /**
     * Stores the events and one delivery per matching endpoint (event filter, environment glob) in one
     * statement, so in one durable commit. Events seen before insert nothing, and their deliveries go
     * with them. Endpoints the dispatcher disabled get their delivery as {@code missed}, so re-enabling
     * them can offer it.
     * <p>
     * First attempts need no claim: deliveries to endpoints that can take them now (circuit closed, not
     * paused, below {@code perEndpoint} in flight) are inserted already leased to this dispatcher, up to
     * {@code capacity}, and returned for sending at once; the rest wait in the queue as {@code pending}.
     * If this dispatcher dies before sending them, their lease expires and the sweeper requeues them.
     */
    public Uni<FanOut> fanOut(List<FinishedEvent> batch, int capacity, int perEndpoint, Duration lease) {
        Map<UUID, FinishedEvent> byId = new LinkedHashMap<>();
        batch.forEach(event -> byId.putIfAbsent(event.id(), event));
        List<FinishedEvent> events = List.copyOf(byId.values());
        if (events.isEmpty()) {
            return Uni.createFrom().item(new FanOut(0, List.of()));
        }
        UUID[] tenants = events.stream().map(FinishedEvent::tenantId).distinct().toArray(UUID[]::new);
        // Read before the write, as the one statement's snapshot would: under read committed the same.
        return pool.preparedQuery(FAN_OUT_ENDPOINTS)
                .execute(Tuple.of(tenants))
                .chain(endpoints -> insert(events, endpoints, capacity, perEndpoint, lease));
    }

    private Uni<FanOut> insert(List<FinishedEvent> events, RowSet<Row> endpoints, int capacity, int perEndpoint,
            Duration lease) {
        Map<UUID, Integer> slots = new HashMap<>();
        for (Row endpoint : endpoints) {
            slots.put(endpoint.getUUID("id"), endpoint.getBoolean("ready")
                    ? Math.max(0, perEndpoint - endpoint.getLong("sending").intValue()) : 0);
        }
        int free = capacity;
        List<Tuple> rows = new ArrayList<>();
        Map<UUID, ClaimedDelivery> leased = new LinkedHashMap<>();
        for (FinishedEvent event : events) {
            for (Row endpoint : endpoints) {
                List<String> filter = Arrays.asList(endpoint.getArrayOfStrings("events"));
                if (!endpoint.getUUID("tenant_id").equals(event.tenantId())
                        || !(filter.isEmpty() || filter.contains(event.type()))
                        || !EnvironmentGlob.matches(endpoint.getString("environment"), event.environment())) {
                    continue;
                }
                UUID id = UUID.randomUUID();
                UUID endpointId = endpoint.getUUID("id");
                String status;
                if (endpoint.getBoolean("disabled")) {
                    status = "missed";
                } else if (free > 0 && slots.get(endpointId) > 0) {
                    status = "sending";
                    free--;
                    slots.merge(endpointId, -1, Integer::sum);
                    List<String> secrets = new ArrayList<>(Arrays.asList(endpoint.getArrayOfStrings("retiring")));
                    secrets.add(endpoint.getString("secret"));
                    leased.put(id, new ClaimedDelivery(id, event.id(), endpointId, event.tenantId(), 1, 0,
                            event.type(), event.payload(), endpoint.getString("url"), List.copyOf(secrets), false));
                } else {
                    status = "pending";
                }
                rows.add(Tuple.of(id, event.id(), endpointId, event.tenantId(), status));
            }
        }
        Tuple columns = Tuple.from(List.of(
                events.stream().map(FinishedEvent::id).toArray(UUID[]::new),
                events.stream().map(FinishedEvent::tenantId).toArray(UUID[]::new),
                events.stream().map(FinishedEvent::type).toArray(String[]::new),
                events.stream().map(FinishedEvent::environment).toArray(String[]::new),
                events.stream().map(FinishedEvent::payload).toArray(String[]::new),
                column(rows, 0, UUID[]::new), column(rows, 1, UUID[]::new), column(rows, 2, UUID[]::new),
                column(rows, 3, UUID[]::new), column(rows, 4, String[]::new), lease.toMillis()));
        return pool.preparedQuery(FAN_OUT).execute(columns).map(inserted -> {
            List<ClaimedDelivery> send = new ArrayList<>();
            int queued = 0;
            for (Row row : inserted) {
                ClaimedDelivery delivery = leased.get(row.getUUID("id"));
                if (delivery != null) {
                    send.add(delivery);
                } else if (row.getString("status").equals("pending")) {
                    queued++;
                }
            }
            return new FanOut(queued, send);
        });
    }

    @SuppressWarnings("unchecked")
    private static <T> T[] column(List<Tuple> rows, int index, java.util.function.IntFunction<T[]> array) {
        return rows.stream().map(row -> (T) row.getValue(index)).toArray(array);
    }

    /**
     * @param queued deliveries left in the queue for a claim (their endpoint was busy, parked or paused)
     * @param leased deliveries leased to this dispatcher for their first attempt now
     */
    public record FanOut(int queued, List<ClaimedDelivery> leased) {
    }

    /**
     * Leases due deliveries to this dispatcher: oldest due work first, at most {@code perEndpoint} in
     * flight per endpoint (one while its circuit is open), none for endpoints that are paused, disabled
     * or switched off by their owner. Rows another dispatcher is claiming are skipped, not waited for.
     */
    public Uni<List<ClaimedDelivery>> claim(int limit, int perEndpoint, int endpointsPerClaim, Duration lease) {
        return relaxed(connection -> connection.preparedQuery(CLAIM)
                .execute(Tuple.of(perEndpoint, endpointsPerClaim, limit, lease.toMillis()))
                .map(DeliveryStore::claimed));
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
                    row.getBoolean("probe")));
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
        List<ClaimedDelivery> byEndpoint = successes.stream().map(Success::delivery)
                .collect(java.util.stream.Collectors.toMap(ClaimedDelivery::endpointId, d -> d, (a, b) -> a,
                        java.util.TreeMap::new))
                .values().stream().toList();
        Tuple endpoints = Tuple.of(byEndpoint.stream().map(ClaimedDelivery::endpointId).toArray(UUID[]::new),
                byEndpoint.stream().map(ClaimedDelivery::tenantId).toArray(UUID[]::new));
        return relaxed(connection -> connection.preparedQuery(RECORD_SUCCESSES).execute(done)
                .chain(() -> connection.preparedQuery(RECORD_HEALTHY).execute(endpoints))
                .replaceWithVoid());
    }

    public record Success(ClaimedDelivery delivery, AttemptResult result) {
    }

    /**
     * Records a failed attempt, moves the endpoint's health on (circuit, Retry-After pause, disabling),
     * then either schedules the delivery's next attempt or marks it failed. When the endpoint ends up
     * disabled, every delivery still waiting for it becomes {@code missed}.
     *
     * @param nextAttemptAt null when the retry schedule is exhausted
     */
    public Uni<FailureOutcome> recordFailure(ClaimedDelivery delivery, AttemptResult result, OffsetDateTime nextAttemptAt,
            EndpointFailure failure) {
        return relaxed(connection -> insertAttempt(connection, delivery, result)
                .chain(() -> connection.preparedQuery(RECORD_FAILURE)
                        .execute(Tuple.from(Arrays.asList(delivery.endpointId(), delivery.tenantId(),
                                failure.circuitThreshold(), failure.firstProbeAfter().toMillis(),
                                failure.maxProbeInterval().toMillis(), failure.pausedUntil(), failure.disableReason(),
                                failure.disableAfter().toMillis(), delivery.probe()))))
                .chain(health -> {
                    Row row = health.iterator().next();
                    boolean disabled = row.getBoolean("disabled");
                    OffsetDateTime pausedUntil = row.getOffsetDateTime("paused_until");
                    OffsetDateTime next = nextAttemptAt != null && pausedUntil != null && pausedUntil.isAfter(nextAttemptAt)
                            ? pausedUntil : nextAttemptAt;
                    String status = disabled ? "missed" : next == null ? "failed" : "pending";
                    return connection.preparedQuery("UPDATE dispatch.deliveries SET attempts = $2, status = $3,"
                                    + " next_attempt_at = coalesce($4, next_attempt_at), leased_until = NULL, claims = 0,"
                                    + " last_attempt_at = now(), last_status_code = $5, last_error = $6, last_error_class = $7"
                                    + " WHERE id = $1")
                            .execute(Tuple.from(Arrays.asList(delivery.id(), delivery.attempt(), status, next,
                                    result.statusCode(), result.error(), result.errorClass())))
                            .chain(() -> disabled ? parkForReenable(connection, delivery.endpointId()) : Uni.createFrom().voidItem())
                            .replaceWith(new FailureOutcome(status, disabled));
                }));
    }

    /**
     * A transaction whose commit does not wait for the WAL flush. Only for the delivery path: losing its
     * last fraction of a second in a database crash can only make a delivery go out once more (leases,
     * attempts and "delivered" are redone), never lose one. The fan-out, which the Kafka offset depends
     * on, and the operator's controls commit durably.
     */
    private <T> Uni<T> relaxed(java.util.function.Function<SqlConnection, Uni<T>> work) {
        return pool.withTransaction(connection -> connection.query("SET LOCAL synchronous_commit = off").execute()
                .chain(() -> work.apply(connection)));
    }

    private static Uni<Void> parkForReenable(SqlConnection connection, UUID endpointId) {
        return connection.preparedQuery("UPDATE dispatch.deliveries SET status = 'missed', leased_until = NULL"
                        + " WHERE endpoint_id = $1 AND status = 'pending'")
                .execute(Tuple.of(endpointId))
                .replaceWithVoid();
    }

    private static Uni<Void> insertAttempt(SqlConnection connection, ClaimedDelivery delivery, AttemptResult result) {
        return connection.preparedQuery("INSERT INTO dispatch.delivery_attempts"
                        + " (delivery_id, attempt, status_code, latency_ms, error, error_class, response_excerpt)"
                        + " VALUES ($1, $2, $3, $4, $5, $6, $7)")
                .execute(Tuple.from(Arrays.asList(delivery.id(), delivery.attempt(), result.statusCode(),
                        result.latencyMs(), result.error(), result.errorClass(), result.responseExcerpt())))
                .replaceWithVoid();
    }

    /** Hands a claimed delivery back without an attempt, to be sent at {@code at} (by any dispatcher). */
    public Uni<Void> release(UUID deliveryId, OffsetDateTime at) {
        return pool.preparedQuery("UPDATE dispatch.deliveries SET status = 'pending', leased_until = NULL,"
                        + " next_attempt_at = greatest(next_attempt_at, $2) WHERE id = $1 AND status = 'sending'")
                .execute(Tuple.of(deliveryId, at))
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

    /** Gives up on deliveries whose endpoint was deleted: nobody can receive or re-enable them any more. */
    public Uni<Integer> failOrphans() {
        return pool.preparedQuery("UPDATE dispatch.deliveries d SET status = 'failed', leased_until = NULL,"
                        + " last_error = 'endpoint deleted', last_error_class = 'endpoint_deleted'"
                        + " WHERE d.status IN ('pending', 'missed') AND d.endpoint_id IN ("
                        + " SELECT DISTINCT o.endpoint_id FROM dispatch.deliveries o WHERE o.status IN ('pending', 'missed')"
                        + " AND NOT EXISTS (SELECT 1 FROM gateway.webhook_endpoints w WHERE w.id = o.endpoint_id))")
                .execute()
                .map(RowSet::rowCount);
    }

    /**
     * Deletes finished delivery history older than {@code retention}, a bounded batch per call so no
     * transaction grows large; events go once no delivery refers to them.
     *
     * @return how many deliveries were deleted
     */
    public Uni<Integer> prune(Duration retention, int batch) {
        Tuple cutoff = Tuple.of(retention.toMillis(), batch);
        return pool.withTransaction(connection -> connection
                .preparedQuery("WITH old AS (SELECT id FROM dispatch.deliveries"
                        + " WHERE created_at < now() - $1 * interval '1 millisecond'"
                        + " AND status IN ('delivered', 'failed', 'missed') LIMIT $2),"
                        + " attempts AS (DELETE FROM dispatch.delivery_attempts a USING old WHERE a.delivery_id = old.id)"
                        + " DELETE FROM dispatch.deliveries d USING old WHERE d.id = old.id")
                .execute(cutoff)
                .chain(deleted -> connection
                        .preparedQuery("DELETE FROM dispatch.events e WHERE e.id IN (SELECT id FROM dispatch.events"
                                + " WHERE received_at < now() - $1 * interval '1 millisecond' LIMIT $2)"
                                + " AND NOT EXISTS (SELECT 1 FROM dispatch.deliveries d WHERE d.event_id = e.id)")
                        .execute(cutoff)
                        .replaceWith(deleted.rowCount())));
    }

    /**
     * One delivery taken from the queue, with everything its attempt needs.
     *
     * @param attempt       the number of the attempt about to be made (1 for the first)
     * @param scheduleIndex attempts made since the delivery was queued or last replayed
     * @param secrets       signing secrets: retiring ones first, the current one last
     */
    /** @param probe whether this attempt is the probe of its endpoint's open circuit */
    public record ClaimedDelivery(UUID id, UUID eventId, UUID endpointId, UUID tenantId, int attempt,
            int scheduleIndex, String eventType, String payload, String url, List<String> secrets, boolean probe) {
    }

    /**
     * @param statusCode null when no HTTP response arrived
     * @param errorClass null on success; otherwise {@code http_status}, {@code timeout}, {@code dns},
     *                   {@code connect}, {@code tls}, {@code blocked_address}, {@code invalid_url} or {@code network}
     */
    public record AttemptResult(Integer statusCode, int latencyMs, String errorClass, String error,
            String responseExcerpt, Duration retryAfter) {

        public boolean succeeded() {
            return statusCode != null && statusCode / 100 == 2;
        }
    }

    /**
     * How a failed attempt moves its endpoint's health.
     *
     * @param pausedUntil   non-null when the endpoint asked for a pause (Retry-After on 429/503)
     * @param disableReason non-null when the endpoint must be disabled now (410 Gone)
     */
    public record EndpointFailure(int circuitThreshold, Duration firstProbeAfter, Duration maxProbeInterval,
            Duration disableAfter, OffsetDateTime pausedUntil, String disableReason) {
    }

    /** @param status the delivery's status after the attempt: {@code pending}, {@code failed} or {@code missed} */
    public record FailureOutcome(String status, boolean endpointDisabled) {
    }
}
