-- A document's processing state moves from gateway.knowledge_documents (api-gateway's table, until now written by
-- both services) to a table of its own that only knowledge-ingest writes (issue 14). api-gateway keeps what it
-- stores on upload (the row, the bytes) and deletes; the state row is knowledge-ingest's, inserted when it first
-- claims or seals the document. No row yet means the document was never taken up: pending, no chunks, no claims
-- (knowledge.documents, migration V15_21, is the one place that says so).
CREATE TABLE knowledge.document_states (
    -- the document's id in gateway.knowledge_documents; no foreign key into another service's schema: when the
    -- gateway deletes a document, knowledge-ingest removes its state and chunks (DocumentStore.forget, the sweeper)
    document_id       uuid PRIMARY KEY,
    knowledge_base_id uuid        NOT NULL,
    status            text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sealed', 'ready', 'failed')),
    chunk_count       integer     NOT NULL DEFAULT 0,
    error             text,
    -- while an instance works on the document; an expired lease lets the sweeper resume it
    lease_until       timestamptz,
    -- claims that took the document over from no live lease (issue 13, ingest.processing.max-claims)
    claims            integer     NOT NULL DEFAULT 0,
    finished_at       timestamptz,
    -- set once the finished event was acknowledged by the broker; null on a finished document = notice owed
    notified_at       timestamptz
);
-- what the sweeper looks for among documents already taken up: unfinished work and notices still owed
CREATE INDEX document_states_unsettled ON knowledge.document_states (document_id)
    WHERE status IN ('pending', 'sealed') OR notified_at IS NULL;

-- Every existing document keeps its state.
INSERT INTO knowledge.document_states (document_id, knowledge_base_id, status, chunk_count, error, lease_until, claims,
                                       finished_at, notified_at)
SELECT id, knowledge_base_id, status, chunk_count, error, lease_until, claims, finished_at, notified_at
FROM gateway.knowledge_documents;

-- The one foreign key that crossed a schema: the gateway's delete no longer writes knowledge.chunks. Search reads
-- chunks only of live documents, and knowledge-ingest removes a deleted document's chunks.
ALTER TABLE knowledge.chunks DROP CONSTRAINT chunks_document_id_fkey;
