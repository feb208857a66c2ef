-- The documents as every reader sees them: api-gateway's row joined with knowledge-ingest's state. A document
-- without a state row has not been taken up yet (pending, no chunks, no claims): this view is the one place that
-- says so. Read by api-gateway (a document's status and chunk count), by gateway.knowledge_base_counts and by
-- knowledge-ingest (load, sweeper). Not updatable: each service writes its own table (docs/architecture.md).
CREATE VIEW knowledge.documents AS
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
       s.notified_at
FROM gateway.knowledge_documents d
LEFT JOIN knowledge.document_states s ON s.document_id = d.id;
