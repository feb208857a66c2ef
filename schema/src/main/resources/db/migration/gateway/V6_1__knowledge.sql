-- Knowledge bases and their documents. api-gateway creates both (management API, uploads) and deletes
-- them; knowledge-ingest takes over a document row once it is stored: it alone moves status,
-- chunk_count, error and the processing lease (docs/architecture.md). A base has no status column: every
-- reader derives it from its documents, so the GET endpoints and the events cannot disagree.

CREATE TABLE gateway.knowledge_bases (
    id                   uuid PRIMARY KEY,
    tenant_id            uuid        NOT NULL REFERENCES gateway.tenants (id),
    name                 text        NOT NULL,
    slug                 text        NOT NULL,
    -- chunking, counted in tokens of the embedding model's own tokenizer
    chunk_max_tokens     integer     NOT NULL CHECK (chunk_max_tokens > 0),
    chunk_overlap_tokens integer     NOT NULL CHECK (chunk_overlap_tokens >= 0 AND chunk_overlap_tokens < chunk_max_tokens),
    -- 'local' = the in-process model of knowledge-ingest; 'openai' = an OpenAI-compatible endpoint
    embedding_provider   text        NOT NULL CHECK (embedding_provider IN ('local', 'openai')),
    embedding_model      text        NOT NULL,
    embedding_dimensions integer     NOT NULL CHECK (embedding_dimensions BETWEEN 1 AND 2000),
    created_at           timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, slug)
);

CREATE TABLE gateway.knowledge_documents (
    id                uuid PRIMARY KEY,
    tenant_id         uuid        NOT NULL REFERENCES gateway.tenants (id),
    knowledge_base_id uuid        NOT NULL REFERENCES gateway.knowledge_bases (id) ON DELETE CASCADE,
    file_name         text        NOT NULL,
    mime_type         text        NOT NULL,
    bytes             bigint      NOT NULL,
    -- identical content uploaded again to the same base is the same document (no duplicate vectors)
    content_sha256    text        NOT NULL,
    content           bytea       NOT NULL,
    status            text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sealed', 'ready', 'failed')),
    chunk_count       integer     NOT NULL DEFAULT 0,
    error             text,
    -- set by knowledge-ingest while it works on the document; an expired lease lets the sweeper resume it
    lease_until       timestamptz,
    created_at        timestamptz NOT NULL DEFAULT now(),
    finished_at       timestamptz,
    -- set once the finished event was acknowledged by the broker; null on a finished document = notice owed
    notified_at       timestamptz,
    UNIQUE (knowledge_base_id, content_sha256)
);
CREATE INDEX knowledge_documents_base ON gateway.knowledge_documents (knowledge_base_id, created_at);
-- what knowledge-ingest's sweeper looks for: unfinished work and notices still owed
CREATE INDEX knowledge_documents_unsettled ON gateway.knowledge_documents (created_at)
    WHERE status IN ('pending', 'sealed') OR notified_at IS NULL;
