-- Notices of the changes that move what a version reference resolves to (issue 19, item 1). api-gateway caches
-- resolved references (service/RevisionReferenceCache) and listens on this channel (persistence/DefinitionChanges):
-- a notice, sent when the change commits, makes every replica read references afresh. One notice per statement at
-- most, and PostgreSQL folds identical notices of one transaction into one. Draft snapshots (version 0) and draft
-- saves change no reference and send none.
CREATE FUNCTION gateway.notify_definition_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('gateway_definition_changed', '');
    RETURN NULL;
END
$$;

CREATE TRIGGER revisions_published AFTER INSERT ON gateway.revisions
    FOR EACH ROW WHEN (NEW.version > 0) EXECUTE FUNCTION gateway.notify_definition_changed();
CREATE TRIGGER revisions_removed AFTER DELETE ON gateway.revisions
    FOR EACH STATEMENT EXECUTE FUNCTION gateway.notify_definition_changed();
CREATE TRIGGER tags_changed AFTER INSERT OR UPDATE OR DELETE ON gateway.tags
    FOR EACH STATEMENT EXECUTE FUNCTION gateway.notify_definition_changed();
CREATE TRIGGER slug_aliases_changed AFTER INSERT OR UPDATE OR DELETE ON gateway.slug_aliases
    FOR EACH STATEMENT EXECUTE FUNCTION gateway.notify_definition_changed();
CREATE TRIGGER definitions_renamed_or_archived AFTER UPDATE OF slug, archived_at, tenant_id, kind ON gateway.definitions
    FOR EACH ROW WHEN (OLD.slug IS DISTINCT FROM NEW.slug OR OLD.archived_at IS DISTINCT FROM NEW.archived_at
        OR OLD.tenant_id IS DISTINCT FROM NEW.tenant_id OR OLD.kind IS DISTINCT FROM NEW.kind)
    EXECUTE FUNCTION gateway.notify_definition_changed();
CREATE TRIGGER definitions_removed AFTER DELETE ON gateway.definitions
    FOR EACH STATEMENT EXECUTE FUNCTION gateway.notify_definition_changed();
