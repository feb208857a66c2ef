-- Documents carry a metadata map (issue 21): what the uploader said about them, e.g. {"team": "sales"}. Stored here
-- with the document as given (plain keys; the Promptly API shows them as md_<key>, docs/promptly.md), and copied
-- by knowledge-ingest onto the document's chunks, where search filters on it (knowledge/V16_51).
ALTER TABLE gateway.knowledge_documents ADD COLUMN metadata jsonb NOT NULL DEFAULT '{}';

-- The type a Promptly client gave its datasource (a knowledge base created through /api/datasources), returned to it
-- as given; null for bases created through the management API. Every base takes every kind of document.
ALTER TABLE gateway.knowledge_bases ADD COLUMN datasource_type text;
