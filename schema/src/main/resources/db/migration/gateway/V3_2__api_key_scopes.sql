-- What a key may do: 'admin' = the public API and the management API; 'api' = the public API only
-- (what an application embedding the SDK needs).
ALTER TABLE gateway.api_keys ADD COLUMN scope text NOT NULL DEFAULT 'admin' CHECK (scope IN ('admin', 'api'));
ALTER TABLE gateway.api_keys ALTER COLUMN scope DROP DEFAULT;
