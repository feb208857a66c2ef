-- The transactional outbox of accepted runs (issue 13). A run and its outbox row are inserted in one
-- transaction; the row goes once the broker acknowledged the run's request. The gateway's request path
-- publishes first; a row still here at relay_after belongs to the relay (RunOutboxRelay), which leases it
-- by moving relay_after on. api-gateway is the only writer.
CREATE TABLE gateway.run_outbox (
    run_id      uuid        PRIMARY KEY REFERENCES gateway.runs (id) ON DELETE CASCADE,
    relay_after timestamptz NOT NULL
);
CREATE INDEX run_outbox_due ON gateway.run_outbox (relay_after);
