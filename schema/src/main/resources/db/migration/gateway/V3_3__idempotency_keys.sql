-- Idempotency-Key of create-run requests: a retry with the same key and body within 24 h gets the
-- original {id, thread}. Rows older than that are dead and replaced when the key is used again.
CREATE TABLE gateway.idempotency_keys (
    tenant_id    uuid        NOT NULL REFERENCES gateway.tenants (id),
    key          text        NOT NULL,
    request_hash text        NOT NULL,
    run_id       uuid        NOT NULL,
    thread_id    uuid        NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, key)
);
