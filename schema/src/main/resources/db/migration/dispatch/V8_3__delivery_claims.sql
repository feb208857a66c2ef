-- Claims of a delivery since its last recorded attempt (issue 13). Counted when a dispatcher leases it, before
-- anything is sent, so a dispatcher that dies or stalls mid-attempt and records nothing still used one; zeroed
-- by every recorded attempt and by replays. The lease sweeper fails a delivery whose lease expired with
-- dispatcher.queue.max-claims of them used, instead of queueing it for ever.
ALTER TABLE dispatch.deliveries ADD COLUMN claims integer NOT NULL DEFAULT 0;
