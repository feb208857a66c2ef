-- Values are AES-GCM ciphertexts (contracts' SecretCipher); plaintext never reaches the database.

-- Stored variables; `environment` is a glob over the run's environment, null = every environment.
CREATE TABLE gateway.environment_variables (
    id          uuid PRIMARY KEY,
    tenant_id   uuid        NOT NULL REFERENCES gateway.tenants (id),
    key         text        NOT NULL,
    environment text,
    value       text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE NULLS NOT DISTINCT (tenant_id, key, environment)
);

-- A run's per-request envVars (one encrypted JSON object), deleted by run-executor when the run ends.
CREATE TABLE gateway.run_env_vars (
    run_id     uuid PRIMARY KEY REFERENCES gateway.runs (id),
    tenant_id  uuid        NOT NULL,
    value      text        NOT NULL
);
