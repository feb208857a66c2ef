package dev.promptjuggler.dispatcher.persistence;

import dev.promptjuggler.dispatcher.delivery.ClaimedDelivery;
import dev.promptjuggler.dispatcher.delivery.RunRevision;
import dev.promptjuggler.dispatcher.delivery.FanOutMatcher;
import dev.promptjuggler.dispatcher.delivery.FanOutMatcher.Endpoint;
import dev.promptjuggler.dispatcher.delivery.FanOutMatcher.Match;
import dev.promptjuggler.dispatcher.delivery.FinishedEvent;
import dev.promptjuggler.runtime.persistence.KeptPlans;
import dev.promptjuggler.runtime.persistence.KeptPlans.Statement;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.IntFunction;

/**
 * Stores finished events with their deliveries, the {@link FanOutMatcher} deciding which endpoints get
 * which event. Endpoints are api-gateway's ({@code gateway.webhook_endpoints}, with retiring secrets in
 * {@code gateway.webhook_endpoint_secrets}); this service only reads them.
 */
@ApplicationScoped
public class FanOutStore {

    static final String FAN_OUT_ENDPOINTS = """
            SELECT w.id, w.tenant_id, w.environment, w.events, w.enabled, w.url, w.secret,
                   ARRAY(SELECT s.secret FROM gateway.webhook_endpoint_secrets s
                         WHERE s.endpoint_id = w.id AND s.expires_at > now() ORDER BY s.retired_at) AS retiring,
                   h.disabled_at IS NOT NULL AS disabled, coalesce(h.circuit = 'open', false) AS circuit_open,
                   h.paused_until, now() AS now,
                   (SELECT count(*) FROM dispatch.deliveries s
                    WHERE s.endpoint_id = w.id AND s.status = 'sending' AND s.leased_until > now()) AS sending
            FROM gateway.webhook_endpoints w
            LEFT JOIN dispatch.endpoint_health h ON h.endpoint_id = w.id
            WHERE w.tenant_id = ANY ($1)
            """;

    /** The revisions finished runs ran (gateway.runs' revision columns, written once when the run is accepted). */
    private static final String RUN_REVISIONS = "SELECT id, revision_id, revision_version FROM gateway.runs"
            + " WHERE id = ANY ($1)";

    /*
     * Events ($1-$5, their runs' revisions $12-$13, their fan-out spans $14) and their deliveries ($6-$10) in one statement: deliveries of
     * events that were stored before (a repeat) are dropped with them. $11: the first attempts' lease (ms).
     */
    private static final String FAN_OUT = """
            WITH fresh AS (
                INSERT INTO dispatch.events (id, tenant_id, type, environment, payload, revision_id, revision_version,
                                             traceparent)
                SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $12::uuid[],
                                     $13::int[], $14::text[])
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

    private final Pool pool;

    public FanOutStore(Pool pool) {
        this.pool = pool;
    }

    /**
     * Stores the events and one delivery per matching endpoint in one statement, so in one durable commit.
     * Events seen before insert nothing, and their deliveries go with them. Endpoints the dispatcher disabled
     * get their delivery as {@code missed}, so re-enabling them can offer it.
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
        UUID[] runs = events.stream().map(FinishedEvent::runId).filter(java.util.Objects::nonNull).toArray(UUID[]::new);
        // On kept plans: planned for its arguments, the endpoints' read was planned anew at nearly every fan-out
        // (docs/benchmarks.md, e2e journal of 2026-12-05 09:30–10:20). Both reads in one round trip, then the insert.
        return KeptPlans.statements(pool, new Statement(FAN_OUT_ENDPOINTS, Tuple.of(tenants)),
                        new Statement(RUN_REVISIONS, Tuple.of(runs)))
                .chain(read -> insert(events, revisions(read.get(1)), read.get(0), capacity, perEndpoint, lease));
    }

    private static Map<UUID, RunRevision> revisions(RowSet<Row> rows) {
        Map<UUID, RunRevision> byRun = new java.util.HashMap<>();
        rows.forEach(row -> byRun.put(row.getUUID("id"),
                new RunRevision(row.getUUID("revision_id"), row.getInteger("revision_version"))));
        return byRun;
    }

    private Uni<FanOut> insert(List<FinishedEvent> events, Map<UUID, RunRevision> revisions, RowSet<Row> endpointRows,
            int capacity, int perEndpoint, Duration lease) {
        List<Endpoint> endpoints = new ArrayList<>();
        OffsetDateTime now = null;
        for (Row row : endpointRows) {
            endpoints.add(endpoint(row));
            now = row.getOffsetDateTime("now");
        }
        List<Tuple> rows = new ArrayList<>();
        Map<UUID, ClaimedDelivery> leased = new LinkedHashMap<>();
        for (Match match : FanOutMatcher.match(events, endpoints, capacity, perEndpoint, now)) {
            UUID id = UUID.randomUUID();
            FinishedEvent event = match.event();
            Endpoint endpoint = match.endpoint();
            String status = switch (match.start()) {
                case SEND_NOW -> {
                    leased.put(id, new ClaimedDelivery(id, event.id(), endpoint.id(), event.tenantId(), 1, 0,
                            event.type(), event.payload(), endpoint.url(), endpoint.secrets(), false,
                            revision(event, revisions), event.traceparent()));
                    yield "sending";
                }
                case QUEUE -> "pending";
                case MISSED -> "missed";
            };
            rows.add(Tuple.of(id, event.id(), endpoint.id(), event.tenantId(), status));
        }
        Tuple columns = Tuple.from(List.of(
                events.stream().map(FinishedEvent::id).toArray(UUID[]::new),
                events.stream().map(FinishedEvent::tenantId).toArray(UUID[]::new),
                events.stream().map(FinishedEvent::type).toArray(String[]::new),
                events.stream().map(FinishedEvent::environment).toArray(String[]::new),
                events.stream().map(FinishedEvent::payload).toArray(String[]::new),
                column(rows, 0, UUID[]::new), column(rows, 1, UUID[]::new), column(rows, 2, UUID[]::new),
                column(rows, 3, UUID[]::new), column(rows, 4, String[]::new), lease.toMillis(),
                events.stream().map(event -> revision(event, revisions)).map(revision -> revision == null ? null
                        : revision.id()).toArray(UUID[]::new),
                events.stream().map(event -> revision(event, revisions)).map(revision -> revision == null ? null
                        : revision.version()).toArray(Integer[]::new),
                events.stream().map(FinishedEvent::traceparent).toArray(String[]::new)));
        return KeptPlans.statement(pool, FAN_OUT, columns).map(inserted -> {
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

    private static Endpoint endpoint(Row row) {
        List<String> secrets = new ArrayList<>(Arrays.asList(row.getArrayOfStrings("retiring")));
        secrets.add(row.getString("secret"));
        return new Endpoint(row.getUUID("id"), row.getUUID("tenant_id"), row.getString("environment"),
                Arrays.asList(row.getArrayOfStrings("events")), row.getBoolean("enabled"), row.getBoolean("disabled"),
                row.getBoolean("circuit_open"), row.getOffsetDateTime("paused_until"), row.getLong("sending").intValue(),
                row.getString("url"), List.copyOf(secrets));
    }

    @SuppressWarnings("unchecked")
    private static <T> T[] column(List<Tuple> rows, int index, IntFunction<T[]> array) {
        return rows.stream().map(row -> (T) row.getValue(index)).toArray(array);
    }

    /**
     * @param queued deliveries left in the queue for a claim (their endpoint was busy, parked or paused)
     * @param leased deliveries leased to this dispatcher for their first attempt now
     */
    public record FanOut(int queued, List<ClaimedDelivery> leased) {
    }

    private static RunRevision revision(FinishedEvent event, Map<UUID, RunRevision> revisions) {
        return event.runId() == null ? null : revisions.get(event.runId());
    }
}
