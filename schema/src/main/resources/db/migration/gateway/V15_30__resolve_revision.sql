-- One rule for "which published revision does this reference name", used by api-gateway (run endpoints,
-- GET /api/v1/prompts/{slug}/{version}, workflow publishing) and by run-executor (prompt and workflow
-- tools, workflow nodes), so the two can never disagree.

-- A definition named by its id, its slug, or a slug it had before a rename; within one tenant and kind.
CREATE FUNCTION gateway.resolve_definition(p_tenant uuid, p_kind text, p_reference text)
RETURNS uuid
LANGUAGE sql STABLE AS $$
    SELECT d.id FROM gateway.definitions d
     WHERE d.tenant_id = p_tenant AND d.kind = p_kind
       AND (d.slug = p_reference
            OR d.id::text = lower(p_reference)
            OR d.id = (SELECT a.definition_id FROM gateway.slug_aliases a
                        WHERE a.tenant_id = p_tenant AND a.slug = p_reference))
     LIMIT 1
$$;

-- A published revision of one definition named by its version number (compared as a number: 3, never
-- "03"), '__latest__' (the highest version), its revision id, or a tag. Tags match [a-z][a-z0-9_-]*, so
-- no tag is a number; a revision id is tried before a tag of the same spelling. Null when nothing matches.
CREATE FUNCTION gateway.resolve_revision(p_definition uuid, p_version text)
RETURNS uuid
LANGUAGE sql STABLE AS $$
    SELECT CASE
        WHEN p_version ~ '^[1-9][0-9]{0,8}$' THEN
            (SELECT r.id FROM gateway.revisions r
              WHERE r.definition_id = p_definition AND r.version = p_version::int)
        WHEN p_version = '__latest__' THEN
            (SELECT r.id FROM gateway.revisions r
              WHERE r.definition_id = p_definition ORDER BY r.version DESC LIMIT 1)
        ELSE coalesce(
            CASE WHEN p_version ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN
                (SELECT r.id FROM gateway.revisions r
                  WHERE r.definition_id = p_definition AND r.id = p_version::uuid)
            END,
            (SELECT t.revision_id FROM gateway.tags t
              WHERE t.definition_id = p_definition AND t.name = p_version))
    END
$$;
