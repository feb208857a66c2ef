-- The searchable chunks of knowledge documents. The document rows live in gateway.knowledge_documents
-- (created by api-gateway, moved by this service): the foreign key makes deleting a document remove its
-- chunks in the same transaction, and makes a chunk of a document deleted mid-processing impossible to
-- store. api-gateway's migration V6_1 must have run first (it starts first and migrates first).
CREATE TABLE knowledge.chunks (
    id                bigserial PRIMARY KEY,
    document_id       uuid    NOT NULL REFERENCES gateway.knowledge_documents (id) ON DELETE CASCADE,
    knowledge_base_id uuid    NOT NULL,
    position          integer NOT NULL,
    page              integer,
    heading_path      text[]  NOT NULL DEFAULT '{}',
    content           text    NOT NULL,
    token_count       integer NOT NULL,
    -- null while the document is sealed and this chunk still waits for its vector
    embedding         vector,
    dimensions        integer,
    UNIQUE (document_id, position)
);

-- Knowledge bases record their model, so vectors of several sizes share this table. HNSW needs a fixed
-- size: one partial expression index per size in use (search repeats the same expression and predicate).
-- 384 = the in-process all-MiniLM-L6-v2-q; 1536 = OpenAI's text-embedding-3-small. Other sizes are searched
-- by exact scan over their knowledge base.
CREATE INDEX chunks_embedding_384 ON knowledge.chunks
    USING hnsw ((embedding::vector(384)) vector_cosine_ops) WHERE dimensions = 384;
CREATE INDEX chunks_embedding_1536 ON knowledge.chunks
    USING hnsw ((embedding::vector(1536)) vector_cosine_ops) WHERE dimensions = 1536;
CREATE INDEX chunks_base ON knowledge.chunks (knowledge_base_id);
