-- knowledge-ingest keeps a document's processing state in knowledge.document_states (migration knowledge/V15_20,
-- which copied it): the gateway's table keeps what the gateway writes. The base's counts, still defined once, now
-- read the documents with their state (knowledge.documents, migration knowledge/V15_21); same columns, same rule.
CREATE OR REPLACE FUNCTION gateway.knowledge_base_counts(base uuid)
    RETURNS TABLE (document_count bigint, in_progress bigint, failed bigint, chunk_count bigint)
    LANGUAGE sql STABLE
AS $$
    SELECT count(*),
           count(*) FILTER (WHERE status IN ('pending', 'sealed')),
           count(*) FILTER (WHERE status = 'failed'),
           coalesce(sum(chunk_count), 0)
    FROM knowledge.documents
    WHERE knowledge_base_id = base
$$;

DROP INDEX gateway.knowledge_documents_unsettled;
ALTER TABLE gateway.knowledge_documents
    DROP COLUMN status,
    DROP COLUMN chunk_count,
    DROP COLUMN error,
    DROP COLUMN lease_until,
    DROP COLUMN claims,
    DROP COLUMN finished_at,
    DROP COLUMN notified_at;
