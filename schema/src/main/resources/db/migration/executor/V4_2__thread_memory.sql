-- Thread memory and the order of runs in a thread (issue 4). api-gateway owns the schema; run-executor
-- is the only writer of these rows (see docs/architecture.md, "Memory").

-- The order in which the gateway accepted runs. Two runs on the same thread and channel execute in this
-- order: a run is claimed only when no earlier run of its lane is still pending.
ALTER TABLE gateway.runs ADD COLUMN accepted_seq bigserial;
CREATE INDEX runs_lane_pending ON gateway.runs (thread_id, channel, accepted_seq) WHERE status = 'pending';

-- A thread's conversation, one lane per channel: the user messages a run sent and the answer it got,
-- appended in the statement that stores the run's outcome (read_write and write_only prompts).
CREATE TABLE gateway.thread_messages (
    id         bigserial PRIMARY KEY,
    thread_id  uuid        NOT NULL REFERENCES gateway.threads (id) ON DELETE CASCADE,
    channel    text        NOT NULL,
    run_id     uuid        NOT NULL REFERENCES gateway.runs (id) ON DELETE CASCADE,
    role       text        NOT NULL CHECK (role IN ('user', 'assistant')),
    content    text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX thread_messages_lane ON gateway.thread_messages (thread_id, channel, id);
