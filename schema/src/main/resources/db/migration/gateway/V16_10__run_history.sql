-- Run history and usage (issue 16, items 3 and 7): GET /manage/v1/runs lists a tenant's runs newest first under
-- filters, GET /manage/v1/usage sums their tokens and cost. Both read gateway.runs_with_state.

-- The key that created a run, so usage can be told per key. Null on runs accepted before this migration.
-- Keys are revoked, never deleted, so the reference always holds.
ALTER TABLE gateway.runs ADD COLUMN api_key_id uuid REFERENCES gateway.api_keys (id);

-- The definition a run's revision belongs to, so "runs of this prompt, newest first" is one index range rather
-- than a sort of every run of all its revisions. A revision never changes definition, so the value is derived
-- once, here and by the trigger below, and whatever inserts a run (the gateway, the tests' PendingRuns) cannot
-- get it wrong.
ALTER TABLE gateway.runs ADD COLUMN definition_id uuid;
UPDATE gateway.runs r SET definition_id = v.definition_id FROM gateway.revisions v WHERE v.id = r.revision_id;
ALTER TABLE gateway.runs ALTER COLUMN definition_id SET NOT NULL;

CREATE FUNCTION gateway.run_definition() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.definition_id := (SELECT definition_id FROM gateway.revisions WHERE id = NEW.revision_id);
    RETURN NEW;
END
$$;
CREATE TRIGGER runs_definition BEFORE INSERT ON gateway.runs
    FOR EACH ROW EXECUTE FUNCTION gateway.run_definition();

-- Pages are newest first, ties broken by id, and continue after the last (created_at, id) shown: each filter the
-- list serves with an index range in that order. The tenant's index replaces runs_tenant_created (same leading
-- columns, plus the tie-breaker).
DROP INDEX gateway.runs_tenant_created;
CREATE INDEX runs_tenant_page ON gateway.runs (tenant_id, created_at DESC, id DESC);
CREATE INDEX runs_definition_page ON gateway.runs (definition_id, created_at DESC, id DESC);
CREATE INDEX runs_revision_page ON gateway.runs (revision_id, created_at DESC, id DESC);
CREATE INDEX runs_thread_page ON gateway.runs (thread_id, created_at DESC, id DESC);
-- metadata.<key>=<value> filters are containment (@>), which jsonb_path_ops serves with a smaller index than the
-- default operator class.
CREATE INDEX runs_metadata ON gateway.runs USING gin (metadata jsonb_path_ops);

-- The view gains the two columns at its end (CREATE OR REPLACE VIEW may only append).
CREATE OR REPLACE VIEW gateway.runs_with_state AS
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
       s.requeued_at,
       r.definition_id,
       r.api_key_id
FROM gateway.runs r
LEFT JOIN executor.run_states s ON s.run_id = r.id;
