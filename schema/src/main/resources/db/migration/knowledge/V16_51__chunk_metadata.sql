-- A chunk carries its document's metadata (gateway.knowledge_documents.metadata, copied when the document is
-- sealed), so a metadata filter is a condition on the chunks search already reads. jsonb_path_ops serves
-- containment (metadata @> '{"team": "sales"}'), the one operator the filter uses: equality is one containment,
-- "in" an OR of them. ChunkSearch counts the filtered chunks through this index first and scans a small set
-- exactly instead of walking the HNSW graph past every chunk the filter drops.
ALTER TABLE knowledge.chunks ADD COLUMN metadata jsonb NOT NULL DEFAULT '{}';
CREATE INDEX chunks_metadata ON knowledge.chunks USING gin (metadata jsonb_path_ops);

-- Readers of a document see its metadata (the gateway's Promptly entries show it): the view of V15_21 with the
-- column added at its end.
CREATE OR REPLACE VIEW knowledge.documents AS
SELECT d.id,
       d.tenant_id,
       d.knowledge_base_id,
       d.file_name,
       d.mime_type,
       d.bytes,
       d.content_sha256,
       d.created_at,
       coalesce(s.status, 'pending') AS status,
       coalesce(s.chunk_count, 0)    AS chunk_count,
       s.error,
       s.lease_until,
       coalesce(s.claims, 0)         AS claims,
       s.finished_at,
       s.notified_at,
       d.metadata
FROM gateway.knowledge_documents d
LEFT JOIN knowledge.document_states s ON s.document_id = d.id;
