-- knowledge-ingest owns the knowledge schema. Its tables (documents, chunks with HNSW-indexed
-- vectors) arrive with document processing; this migration only requires pgvector.
-- CREATE EXTENSION needs a superuser: deploy/local/infra.sh and the Kubernetes database bootstrap
-- create it, so here it is a check that fails loudly when it is missing.
CREATE EXTENSION IF NOT EXISTS vector;
