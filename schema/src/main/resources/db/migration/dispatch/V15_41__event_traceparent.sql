-- The W3C trace context of an event's fan-out (issue 18): every delivery attempt of the event, the first or a
-- retry hours later, is a span of that trace, and its webhook request carries it as traceparent. Null when the
-- event arrived untraced. webhook-dispatcher is the only writer.
ALTER TABLE dispatch.events ADD COLUMN traceparent text;
