-- Workflow runs (issue 7): each node's result, stored by run-executor when the node finishes. A run that
-- resumes after a crash reuses these rows instead of running the nodes again; the management API's trace
-- reads them. api-gateway owns the schema; run-executor is the only writer.
CREATE TABLE gateway.workflow_node_results (
    run_id      uuid        NOT NULL REFERENCES gateway.runs (id) ON DELETE CASCADE,
    -- the node's id; inside a nested Workflow node "<workflow node id>/<nested node id>"
    node_key    text        NOT NULL,
    -- 1 for the node's first run in this workflow run, 2 for its second (a Loop's next iteration), ...
    visit       integer     NOT NULL CHECK (visit >= 1),
    node_type   text        NOT NULL,
    node_name   text,
    status      text        NOT NULL CHECK (status IN ('completed', 'failed', 'skipped')),
    -- output handle -> value, for the outputs the node activated
    outputs     jsonb       NOT NULL DEFAULT '{}',
    error       text,
    token_usage jsonb,
    cost        jsonb,
    started_at  timestamptz NOT NULL,
    finished_at timestamptz NOT NULL DEFAULT now(),
    seq         bigserial,
    PRIMARY KEY (run_id, node_key, visit)
);
