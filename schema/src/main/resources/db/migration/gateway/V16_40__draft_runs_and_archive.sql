-- Draft test runs and archived definitions (issue 16, item 8).

-- A draft run executes a snapshot of the draft taken when the run was accepted: a row of gateway.revisions with
-- version 0, which is never published. run-executor reads a run's configuration by the run's revision_id whatever
-- the revision is, so it needs nothing else; every rule that names published revisions (the functions below, the
-- versions list, the latest version, tags) skips version 0. Repeated runs of an unchanged draft share one snapshot.
ALTER TABLE gateway.revisions ADD CONSTRAINT revisions_version_not_negative CHECK (version >= 0);
ALTER TABLE gateway.revisions DROP CONSTRAINT prompt_revisions_prompt_id_version_key;
CREATE UNIQUE INDEX revisions_published_version ON gateway.revisions (definition_id, version) WHERE version > 0;
CREATE INDEX revisions_draft_snapshots ON gateway.revisions (definition_id) WHERE version = 0;

-- An archived definition keeps its row, revisions, tags and runs (its runs stay readable, and a run accepted before
-- the archive still executes), but nothing resolves to it any more, and its slugs stay reserved.
ALTER TABLE gateway.definitions ADD COLUMN archived_at timestamptz;

-- As V15_30, without archived definitions.
CREATE OR REPLACE FUNCTION gateway.resolve_definition(p_tenant uuid, p_kind text, p_reference text)
RETURNS uuid
LANGUAGE sql STABLE AS $$
    SELECT d.id FROM gateway.definitions d
     WHERE d.tenant_id = p_tenant AND d.kind = p_kind AND d.archived_at IS NULL
       AND (d.slug = p_reference
            OR d.id::text = lower(p_reference)
            OR d.id = (SELECT a.definition_id FROM gateway.slug_aliases a
                        WHERE a.tenant_id = p_tenant AND a.slug = p_reference))
     LIMIT 1
$$;

-- As V15_30, without draft snapshots (version 0): a draft is never a published revision, not even by its id.
CREATE OR REPLACE FUNCTION gateway.resolve_revision(p_definition uuid, p_version text)
RETURNS uuid
LANGUAGE sql STABLE AS $$
    SELECT CASE
        WHEN p_version ~ '^[1-9][0-9]{0,8}$' THEN
            (SELECT r.id FROM gateway.revisions r
              WHERE r.definition_id = p_definition AND r.version = p_version::int)
        WHEN p_version = '__latest__' THEN
            (SELECT r.id FROM gateway.revisions r
              WHERE r.definition_id = p_definition AND r.version > 0 ORDER BY r.version DESC LIMIT 1)
        ELSE coalesce(
            CASE WHEN p_version ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN
                (SELECT r.id FROM gateway.revisions r
                  WHERE r.definition_id = p_definition AND r.id = p_version::uuid AND r.version > 0)
            END,
            (SELECT t.revision_id FROM gateway.tags t
              WHERE t.definition_id = p_definition AND t.name = p_version))
    END
$$;
