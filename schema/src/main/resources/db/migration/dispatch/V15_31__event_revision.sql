-- The revision a finished run ran, for its webhook's PromptJuggler-Revision-Id and -Version headers: the SDKs'
-- PromptRunFinished and WorkflowRunFinished have no field for it, so it travels beside the body. Read from
-- gateway.runs when the event is stored, so every retry and replay carries the same headers. Null for
-- knowledge events.
ALTER TABLE dispatch.events ADD COLUMN revision_id uuid;
ALTER TABLE dispatch.events ADD COLUMN revision_version integer;
