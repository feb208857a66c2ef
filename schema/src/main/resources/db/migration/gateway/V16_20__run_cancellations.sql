-- Requests to stop a run (issue 16, POST /manage/v1/runs/{id}/cancel). api-gateway records the request here and
-- announces it on runs.cancel; it never writes run-executor's executor.run_states. run-executor reads this table
-- when it claims a run (a run with a row here is ended 'failed' with the reason as its error, without executing)
-- and stops a run it is executing when the announcement reaches it.
CREATE TABLE gateway.run_cancellations (
    -- gateway.runs.id; one request per run (a second cancel of a run still stopping changes nothing)
    run_id       uuid        PRIMARY KEY REFERENCES gateway.runs (id) ON DELETE CASCADE,
    tenant_id    uuid        NOT NULL,
    requested_at timestamptz NOT NULL DEFAULT now()
);

-- A definition's run deadline: runs of its revisions are stopped ('failed', "timed out") once they have executed
-- this long. Null: run-executor's executor.run-timeout (10 min by default).
ALTER TABLE gateway.definitions ADD COLUMN run_timeout_seconds integer
    CHECK (run_timeout_seconds BETWEEN 1 AND 86400);
