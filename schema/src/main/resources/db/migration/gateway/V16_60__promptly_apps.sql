-- Promptly apps (issue 21): an app is one of the tenant's prompts or workflows, made from an app definition
-- (YAML). The row keeps that definition as last saved (a PATCH changes only the top-level keys it names) and, for
-- a chain, the prompt made for each processor, so a new version republishes the same prompts. The app's uuid is
-- its definition's id. api-gateway is the only writer.
CREATE TABLE gateway.promptly_apps (
    id         uuid        PRIMARY KEY REFERENCES gateway.definitions (id) ON DELETE CASCADE,
    tenant_id  uuid        NOT NULL REFERENCES gateway.tenants (id),
    kind       text        NOT NULL CHECK (kind IN ('prompt', 'workflow')),
    app        jsonb       NOT NULL,
    -- processor id -> the id of the prompt made for it (workflows only; empty for a single-step app)
    steps      jsonb       NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX promptly_apps_tenant ON gateway.promptly_apps (tenant_id);
