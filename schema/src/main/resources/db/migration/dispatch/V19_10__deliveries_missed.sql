-- Deliveries parked because the dispatcher disabled their endpoint, found without reading the delivery history
-- (issue 19): the queue gauge counts them every 15 s (persistence/QueueStatistics), the hourly retention pass looks
-- for endpoints deleted with deliveries still waiting (persistence/RetentionStore.failOrphans), and re-enabling an
-- endpoint offers its parked deliveries again. Pending and sending deliveries have their partial indexes
-- (deliveries_due, deliveries_sending); without this one each of those reads scanned every delivery ever kept.
CREATE INDEX deliveries_missed ON dispatch.deliveries (endpoint_id) WHERE status = 'missed';
