-- A knowledge base's counts, defined once for every reader (issue 14): api-gateway's GET endpoints and
-- knowledge-ingest's knowledgebase.finished events read them here, and derive the base's status from them with
-- contracts' KnowledgeBaseStatus.of. Over the base's documents through knowledge_documents_base.
CREATE FUNCTION gateway.knowledge_base_counts(base uuid)
    RETURNS TABLE (document_count bigint, in_progress bigint, failed bigint, chunk_count bigint)
    LANGUAGE sql STABLE
AS $$
    SELECT count(*),
           count(*) FILTER (WHERE status IN ('pending', 'sealed')),
           count(*) FILTER (WHERE status = 'failed'),
           coalesce(sum(chunk_count), 0)
    FROM gateway.knowledge_documents
    WHERE knowledge_base_id = base
$$;
