-- The W3C trace context of the request that created a run (issue 18): whoever publishes the run's request later
-- (the outbox relay, run-executor's sweeper) continues that trace, so one run is one trace however it travelled.
-- Null when the request was not traced. Written by api-gateway with the run, read by run-executor.
ALTER TABLE gateway.runs ADD COLUMN traceparent text;
