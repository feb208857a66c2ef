-- Threads that can be erased, and retention per tenant (issue 16).
--
-- An erased thread keeps its row, and its runs keep theirs, as tombstones: the ids still answer (410) and the
-- runs' usage and cost still count. What the runs were asked (inputs, metadata) is emptied in gateway.runs;
-- run-executor's part (memory, outputs, transcripts, node results) is emptied by its own function
-- executor.erase_thread (migration executor/V16_31), which api-gateway calls in the same transaction.
ALTER TABLE gateway.threads ADD COLUMN erased_at timestamptz;

-- Days a tenant's runs, threads, memory and uploaded document bytes are kept; null keeps them for ever (the
-- default). api-gateway prunes its tables, run-executor its own (both read this column).
ALTER TABLE gateway.tenants ADD COLUMN retention_days integer CHECK (retention_days > 0);

-- The pruners' look at one tenant's old threads and documents (runs have runs_tenant_created).
CREATE INDEX threads_tenant_created ON gateway.threads (tenant_id, created_at);
CREATE INDEX knowledge_documents_tenant_created ON gateway.knowledge_documents (tenant_id, created_at)
    WHERE content IS NOT NULL;

-- A processed document's bytes may be pruned: its chunks stay searchable, nothing reads the bytes again.
ALTER TABLE gateway.knowledge_documents ALTER COLUMN content DROP NOT NULL;
