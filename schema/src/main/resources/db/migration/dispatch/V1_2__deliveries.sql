-- webhook-dispatcher owns the events it fanned out and their deliveries.
-- Endpoints are api-gateway's (gateway.webhook_endpoints); this service only reads them.

CREATE TABLE dispatch.events (
    id          uuid PRIMARY KEY,             -- the event id: repeats of one event collapse here
    tenant_id   uuid        NOT NULL,
    type        text        NOT NULL,
    environment text,
    -- the webhook body exactly as signed and sent (text, not jsonb: jsonb would reorder keys)
    payload     text        NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE dispatch.deliveries (
    id               uuid PRIMARY KEY,
    event_id         uuid        NOT NULL REFERENCES dispatch.events (id),
    endpoint_id      uuid        NOT NULL,
    tenant_id        uuid        NOT NULL,
    status           text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts         integer     NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL DEFAULT now(),
    last_status_code integer,
    last_error       text,
    delivered_at     timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (event_id, endpoint_id)
);
CREATE INDEX deliveries_due ON dispatch.deliveries (next_attempt_at) WHERE status = 'pending';

CREATE TABLE dispatch.delivery_attempts (
    id               bigserial PRIMARY KEY,
    delivery_id      uuid        NOT NULL REFERENCES dispatch.deliveries (id),
    attempt          integer     NOT NULL,
    attempted_at     timestamptz NOT NULL DEFAULT now(),
    status_code      integer,
    latency_ms       integer     NOT NULL,
    error            text,
    response_excerpt text
);
CREATE INDEX delivery_attempts_delivery ON dispatch.delivery_attempts (delivery_id, attempt);
