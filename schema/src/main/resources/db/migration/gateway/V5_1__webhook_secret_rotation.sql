-- Secrets replaced by a rotation stay valid until expires_at: webhook-dispatcher signs every attempt
-- with the current secret and each of these, so receivers can switch secrets without losing a delivery.
CREATE TABLE gateway.webhook_endpoint_secrets (
    endpoint_id uuid        NOT NULL REFERENCES gateway.webhook_endpoints (id) ON DELETE CASCADE,
    secret      text        NOT NULL,
    retired_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    PRIMARY KEY (endpoint_id, retired_at)
);
