package dev.promptjuggler.gateway.persistence;

import dev.promptjuggler.gateway.persistence.RunRepository.NewRun;
import dev.promptjuggler.runtime.persistence.GroupCommit;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * The statement that stores accepted runs, each with its outbox row, its envVars and, when the gateway made it, its
 * thread: for any number of runs at once. One statement is atomic without a transaction around it, and the foreign
 * keys are checked at its end, when every row is in.
 *
 * <p>{@link #insert} groups the runs of concurrent requests ({@link GroupCommit}): a run is stored at once when fewer
 * than {@value #STATEMENTS_IN_FLIGHT} statements are running, and otherwise with every run that arrived meanwhile (up to
 * {@value #MOST_RUNS_PER_STATEMENT}) in the next statement. So one run alone waits for nothing, and under load
 * PostgreSQL parses, plans, commits and flushes its log once per statement instead of once per run — most of what
 * accepting a run costs it (docs/benchmarks.md, gateway). A statement that fails stores none of its runs; its runs are
 * then tried one statement each, so that a run the database refuses fails alone. Each request's Uni completes on its
 * own context.
 */
final class RunInserts {

    static final int STATEMENTS_IN_FLIGHT = 2;
    static final int MOST_RUNS_PER_STATEMENT = 256;

    private static final String INSERT = "WITH input AS (SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[],"
            + " $4::uuid[], $5::text[], $6::text[], $7::text[], $8::uuid[], $9::int4[], $10::text[], $11::text[],"
            + " $12::float8[], $13::text[], $14::uuid[], $15::bool[], $16::text[]) AS i (id, tenant_id, kind, thread_id,"
            + " channel, priority, environment, revision_id, revision_version, inputs, metadata, relay_after_secs,"
            + " traceparent, api_key_id, fresh_thread, env_vars)),"
            + " thread AS (INSERT INTO gateway.threads (id, tenant_id) SELECT thread_id, tenant_id FROM input"
            + "   WHERE fresh_thread),"
            + " run AS (INSERT INTO gateway.runs (id, tenant_id, kind, thread_id, channel, priority, environment,"
            + "   revision_id, revision_version, inputs, metadata, traceparent, api_key_id)"
            + "   SELECT id, tenant_id, kind, thread_id, channel, priority, environment, revision_id, revision_version,"
            + "   inputs::jsonb, metadata::jsonb, traceparent, api_key_id FROM input),"
            + " outbox AS (INSERT INTO gateway.run_outbox (run_id, relay_after)"
            + "   SELECT id, now() + make_interval(secs => relay_after_secs) FROM input)"
            + " INSERT INTO gateway.run_env_vars (run_id, tenant_id, value) SELECT id, tenant_id, env_vars FROM input"
            + " WHERE env_vars IS NOT NULL";

    private final JsonColumns json;
    private final GroupCommit<Row, Void> inserts;

    RunInserts(SqlClient pool, JsonColumns json) {
        this.json = json;
        this.inserts = GroupCommit.<Row>of(MOST_RUNS_PER_STATEMENT,
                        rows -> pool.preparedQuery(INSERT).execute(arguments(rows)).replaceWithVoid())
                .isolatingFailures()
                .writesInFlight(STATEMENTS_IN_FLIGHT)
                .completingOnCallersContext();
    }

    /** Stores the run with the runs of other requests; completes on the caller's Vert.x context when it committed. */
    Uni<Void> insert(NewRun run, boolean freshThread, Duration relayAfter) {
        return inserts.submit(new Row(run, freshThread, relayAfter));
    }

    /** Stores the run in a statement of its own on {@code client} (a transaction's connection, say), now. */
    Uni<Void> insertNow(SqlClient client, NewRun run, boolean freshThread, Duration relayAfter) {
        return client.preparedQuery(INSERT).execute(arguments(List.of(new Row(run, freshThread, relayAfter))))
                .replaceWithVoid();
    }

    private Tuple arguments(List<Row> rows) {
        int n = rows.size();
        var ids = new UUID[n];
        var tenants = new UUID[n];
        var kinds = new String[n];
        var threads = new UUID[n];
        var channels = new String[n];
        var priorities = new String[n];
        var environments = new String[n];
        var revisions = new UUID[n];
        var versions = new Integer[n];
        var inputs = new String[n];
        var metadata = new String[n];
        var relayAfter = new Double[n];
        var traceparents = new String[n];
        var apiKeys = new UUID[n];
        var freshThreads = new Boolean[n];
        var envVars = new String[n];
        for (int i = 0; i < n; i++) {
            NewRun run = rows.get(i).run();
            ids[i] = run.id();
            tenants[i] = run.tenantId();
            kinds[i] = run.kind().wireName();
            threads[i] = run.threadId();
            channels[i] = run.channel();
            priorities[i] = run.priority();
            environments[i] = run.environment();
            revisions[i] = run.revisionId();
            versions[i] = run.revisionVersion();
            inputs[i] = json.write(run.inputs());
            metadata[i] = json.write(run.metadata());
            relayAfter[i] = rows.get(i).relayAfter().toMillis() / 1000.0;
            traceparents[i] = run.traceparent();
            apiKeys[i] = run.apiKeyId();
            freshThreads[i] = rows.get(i).freshThread();
            envVars[i] = run.encryptedEnvVars();
        }
        return Tuple.from(new Object[] {ids, tenants, kinds, threads, channels, priorities, environments, revisions,
                versions, inputs, metadata, relayAfter, traceparents, apiKeys, freshThreads, envVars});
    }

    private record Row(NewRun run, boolean freshThread, Duration relayAfter) {
    }
}
