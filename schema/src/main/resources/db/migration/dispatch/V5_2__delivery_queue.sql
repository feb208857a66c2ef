-- The durable delivery queue: leases, retry schedule, per-endpoint health (circuit breaker, pauses,
-- automatic disabling), and the columns the delivery log shows.

ALTER TABLE dispatch.deliveries DROP CONSTRAINT deliveries_status_check;
-- pending: waiting for its next attempt; sending: leased by a dispatcher until leased_until;
-- delivered: a 2xx arrived; failed: the retry schedule is exhausted (or the endpoint is gone);
-- missed: its endpoint was disabled by the dispatcher, so it waits for a re-enable or a replay.
ALTER TABLE dispatch.deliveries ADD CONSTRAINT deliveries_status_check
    CHECK (status IN ('pending', 'sending', 'delivered', 'failed', 'missed'));
ALTER TABLE dispatch.deliveries
    ADD COLUMN leased_until    timestamptz,
    -- attempts made before the last replay: the retry schedule starts over from there
    ADD COLUMN schedule_offset integer NOT NULL DEFAULT 0,
    ADD COLUMN last_attempt_at timestamptz,
    ADD COLUMN last_error_class text;

DROP INDEX dispatch.deliveries_due;
CREATE INDEX deliveries_due ON dispatch.deliveries (endpoint_id, next_attempt_at) WHERE status = 'pending';
CREATE INDEX deliveries_sending ON dispatch.deliveries (endpoint_id, leased_until) WHERE status = 'sending';
CREATE INDEX deliveries_endpoint_log ON dispatch.deliveries (endpoint_id, created_at DESC);
CREATE INDEX deliveries_created ON dispatch.deliveries (created_at);

ALTER TABLE dispatch.delivery_attempts
    ADD COLUMN error_class text;
CREATE INDEX events_received ON dispatch.events (received_at);

-- What the dispatcher knows about an endpoint's health. The endpoint itself (URL, secret, the owner's
-- enabled flag) is api-gateway's; this row is the dispatcher's alone.
CREATE TABLE dispatch.endpoint_health (
    endpoint_id          uuid PRIMARY KEY,
    tenant_id            uuid        NOT NULL,
    -- closed: deliveries flow; open: deliveries are parked and one probe goes out at next_probe_at
    circuit              text        NOT NULL DEFAULT 'closed' CHECK (circuit IN ('closed', 'open')),
    consecutive_failures integer     NOT NULL DEFAULT 0,
    opened_at            timestamptz,
    next_probe_at        timestamptz,
    probe_interval_ms    bigint,
    -- set from Retry-After on 429/503: nothing goes to the endpoint before then
    paused_until         timestamptz,
    disabled_at          timestamptz,
    disabled_reason      text,
    last_success_at      timestamptz,
    last_failure_at      timestamptz,
    updated_at           timestamptz NOT NULL DEFAULT now()
);
