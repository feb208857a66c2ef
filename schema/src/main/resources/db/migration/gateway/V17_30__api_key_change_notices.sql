-- Notices of the changes that make an API key's cached authentication wrong (issue 19, item 1). api-gateway caches
-- the keys it authenticated (service/ApiKeyCache) and listens on this channel (persistence/ChangeNotices): a notice,
-- sent when the change commits, makes every replica authenticate keys afresh. A key revoked or deleted, or its
-- tenant's default environment changed or the tenant deleted. A new key changes no cached entry (only keys found
-- are cached) and sends none.
CREATE FUNCTION gateway.notify_api_key_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('gateway_api_key_changed', '');
    RETURN NULL;
END
$$;

CREATE TRIGGER api_keys_changed AFTER UPDATE OR DELETE ON gateway.api_keys
    FOR EACH STATEMENT EXECUTE FUNCTION gateway.notify_api_key_changed();
CREATE TRIGGER tenants_changed AFTER UPDATE OF default_environment OR DELETE ON gateway.tenants
    FOR EACH STATEMENT EXECUTE FUNCTION gateway.notify_api_key_changed();
