-- api-gateway owns the management data and creates run records. Other services read these tables;
-- the only other writer is run-executor, which takes over a run row once it is published (docs/architecture.md).

CREATE TABLE gateway.tenants (
    id                  uuid PRIMARY KEY,
    name                text        NOT NULL,
    default_environment text        NOT NULL DEFAULT 'production',
    created_at          timestamptz NOT NULL DEFAULT now()
);

-- Keys are 256-bit random secrets, so a SHA-256 digest (hex) is a safe and fast lookup hash.
CREATE TABLE gateway.api_keys (
    id         uuid PRIMARY KEY,
    tenant_id  uuid        NOT NULL REFERENCES gateway.tenants (id),
    name       text        NOT NULL,
    prefix     text        NOT NULL,
    key_hash   text        NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz
);

CREATE TABLE gateway.prompts (
    id         uuid PRIMARY KEY,
    tenant_id  uuid        NOT NULL REFERENCES gateway.tenants (id),
    name       text        NOT NULL,
    slug       text        NOT NULL,
    draft      jsonb       NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, slug)
);

-- Published revisions are immutable: rows are inserted, never updated.
CREATE TABLE gateway.prompt_revisions (
    id           uuid PRIMARY KEY,
    tenant_id    uuid        NOT NULL REFERENCES gateway.tenants (id),
    prompt_id    uuid        NOT NULL REFERENCES gateway.prompts (id),
    version      integer     NOT NULL,
    config       jsonb       NOT NULL,
    change_note  text,
    published_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (prompt_id, version)
);

CREATE TABLE gateway.webhook_endpoints (
    id          uuid PRIMARY KEY,
    tenant_id   uuid        NOT NULL REFERENCES gateway.tenants (id),
    url         text        NOT NULL,
    secret      text        NOT NULL,
    -- empty = every event
    events      text[]      NOT NULL DEFAULT '{}',
    -- glob over the run's environment; null = every environment
    environment text,
    enabled     boolean     NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_endpoints_tenant ON gateway.webhook_endpoints (tenant_id);

CREATE TABLE gateway.threads (
    id         uuid PRIMARY KEY,
    tenant_id  uuid        NOT NULL REFERENCES gateway.tenants (id),
    created_at timestamptz NOT NULL DEFAULT now()
);

-- Inserted by api-gateway as 'pending'; from then on written only by run-executor.
CREATE TABLE gateway.runs (
    id               uuid PRIMARY KEY,
    tenant_id        uuid        NOT NULL REFERENCES gateway.tenants (id),
    kind             text        NOT NULL CHECK (kind IN ('prompt', 'workflow')),
    thread_id        uuid        NOT NULL REFERENCES gateway.threads (id),
    channel          text        NOT NULL,
    priority         text        NOT NULL CHECK (priority IN ('onsite', 'normal', 'low')),
    environment      text        NOT NULL,
    revision_id      uuid        NOT NULL REFERENCES gateway.prompt_revisions (id),
    revision_version integer     NOT NULL,
    inputs           jsonb       NOT NULL,
    metadata         jsonb       NOT NULL DEFAULT '{}',
    status           text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'completed', 'failed')),
    output           text,
    error            text,
    token_usage      jsonb,
    cost             jsonb,
    transcript       jsonb       NOT NULL DEFAULT '[]',
    emitted          jsonb       NOT NULL DEFAULT '[]',
    created_at       timestamptz NOT NULL DEFAULT now(),
    finished_at      timestamptz,
    -- set once runs.finished was acknowledged by the broker; null on a finished run = notice still owed
    notified_at      timestamptz
);
CREATE INDEX runs_tenant_created ON gateway.runs (tenant_id, created_at DESC);
CREATE INDEX runs_unnotified ON gateway.runs (finished_at) WHERE finished_at IS NOT NULL AND notified_at IS NULL;
