-- gateway.runs keeps what api-gateway writes when it accepts a run (issue 14); run-executor's columns moved to
-- executor.run_states with their data (migration executor/V15_10).
DROP INDEX gateway.runs_pending;
DROP INDEX gateway.runs_lane_pending;
DROP INDEX gateway.runs_unnotified;
ALTER TABLE gateway.runs
    DROP COLUMN status,
    DROP COLUMN output,
    DROP COLUMN outputs,
    DROP COLUMN error,
    DROP COLUMN errors,
    DROP COLUMN token_usage,
    DROP COLUMN cost,
    DROP COLUMN transcript,
    DROP COLUMN emitted,
    DROP COLUMN finished_at,
    DROP COLUMN notified_at,
    DROP COLUMN lease_owner,
    DROP COLUMN lease_expires_at,
    DROP COLUMN attempts,
    DROP COLUMN started_at,
    DROP COLUMN requeued_at;

-- A lane's runs in the order they were accepted: the thread rule (a run waits for the earlier unfinished runs of
-- its thread and channel) and the hand-on to the next run read them. Finished runs are told apart by
-- executor.run_states, so this index holds every run, not only the pending ones.
CREATE INDEX runs_lane ON gateway.runs (thread_id, channel, accepted_seq);
-- The sweeper's look at runs never claimed: old enough and without a state row.
CREATE INDEX runs_created ON gateway.runs (created_at);

-- A run as its readers know it: what the gateway accepted, and the executor's state of it (a run the executor has
-- not touched yet is pending). api-gateway's run reads and tests read this view; nobody writes through it.
CREATE VIEW gateway.runs_with_state AS
SELECT r.id, r.tenant_id, r.kind, r.thread_id, r.channel, r.priority, r.environment, r.revision_id,
       r.revision_version, r.inputs, r.metadata, r.created_at, r.accepted_seq,
       coalesce(s.status, 'pending') AS status,
       s.output,
       coalesce(s.outputs, '{}') AS outputs,
       s.error,
       coalesce(s.errors, '[]') AS errors,
       s.token_usage,
       s.cost,
       coalesce(s.transcript, '[]') AS transcript,
       coalesce(s.emitted, '[]') AS emitted,
       s.finished_at,
       s.notified_at,
       s.lease_owner,
       s.lease_expires_at,
       coalesce(s.attempts, 0) AS attempts,
       s.started_at,
       s.requeued_at
FROM gateway.runs r
LEFT JOIN executor.run_states s ON s.run_id = r.id;
