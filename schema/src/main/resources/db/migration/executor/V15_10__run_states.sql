-- run-executor's part of a run (issue 14): until now these were columns of gateway.runs, written by run-executor
-- after api-gateway inserted the row. They move to a table of run-executor's own, one row per run it claimed (or
-- whose request its sweeper published again); a run without a row is pending and was never claimed. The
-- gateway's columns and the rows' data stay in gateway.runs; migration gateway/V15_11 drops the moved columns
-- and adds the view through which api-gateway reads a run with its outcome.
CREATE TABLE executor.run_states (
    -- gateway.runs.id; no foreign key crosses a schema (see V14_1)
    run_id           uuid PRIMARY KEY,
    status           text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'completed', 'failed')),
    -- the worker holding the run, until when (extended by heartbeats), how many claims it took, when the
    -- latest claim started it, and when the sweeper last put it back on its topic
    lease_owner      text,
    lease_expires_at timestamptz,
    attempts         integer     NOT NULL DEFAULT 0,
    started_at       timestamptz,
    requeued_at      timestamptz,
    -- the outcome: a prompt run's output, transcript and emitted items; a workflow run's outputs and errors
    output           text,
    outputs          jsonb       NOT NULL DEFAULT '{}',
    error            text,
    errors           jsonb       NOT NULL DEFAULT '[]',
    token_usage      jsonb,
    cost             jsonb,
    transcript       jsonb       NOT NULL DEFAULT '[]',
    emitted          jsonb       NOT NULL DEFAULT '[]',
    finished_at      timestamptz,
    -- set once runs.finished was acknowledged by the broker; null on a finished run = notice still owed
    notified_at      timestamptz
);

-- The sweeper's look at claimed runs that did not finish: expired leases, runs out of claims.
CREATE INDEX run_states_pending ON executor.run_states (lease_expires_at) WHERE status = 'pending';
-- Finished runs whose notice is still owed.
CREATE INDEX run_states_unnotified ON executor.run_states (finished_at)
    WHERE finished_at IS NOT NULL AND notified_at IS NULL;

-- Every run the executor has touched keeps what the executor wrote; runs it never touched need no row.
INSERT INTO executor.run_states (run_id, status, lease_owner, lease_expires_at, attempts, started_at, requeued_at,
        output, outputs, error, errors, token_usage, cost, transcript, emitted, finished_at, notified_at)
SELECT id, status, lease_owner, lease_expires_at, attempts, started_at, requeued_at,
        output, outputs, error, errors, token_usage, cost, transcript, emitted, finished_at, notified_at
FROM gateway.runs
WHERE status <> 'pending' OR attempts > 0 OR lease_expires_at IS NOT NULL OR requeued_at IS NOT NULL;
