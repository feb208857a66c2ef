-- run-executor's claims on runs (issue 4). api-gateway owns gateway.runs and its migrations; from the
-- insert on, run-executor is the only writer of these columns (see docs/architecture.md).

-- The worker holding the run, until when (extended by heartbeats), how many claims it took, when the
-- latest claim started it, and when the sweeper last put it back on its topic.
ALTER TABLE gateway.runs ADD COLUMN lease_owner      text;
ALTER TABLE gateway.runs ADD COLUMN lease_expires_at timestamptz;
ALTER TABLE gateway.runs ADD COLUMN attempts         integer NOT NULL DEFAULT 0;
ALTER TABLE gateway.runs ADD COLUMN started_at       timestamptz;
ALTER TABLE gateway.runs ADD COLUMN requeued_at      timestamptz;

-- The sweeper's look at unfinished runs: expired leases and runs never claimed.
CREATE INDEX runs_pending ON gateway.runs (created_at) WHERE status = 'pending';
