-- knowledge-ingest's count of the claims a document took (issue 13). api-gateway owns the table; like a
-- document's status and lease, only knowledge-ingest writes this column. A claim that takes the document over
-- from no live lease counts (a fresh document, or one whose worker died or gave up); knowledge-ingest fails a
-- document claimed more than ingest.processing.max-claims times instead of taking it up for ever.
ALTER TABLE gateway.knowledge_documents ADD COLUMN claims integer NOT NULL DEFAULT 0;
