-- Prompts and workflows share one life cycle (draft, immutable published revisions, movable tags,
-- rename with alias), so they share the tables; `kind` tells them apart.

ALTER TABLE gateway.prompts RENAME TO definitions;
ALTER TABLE gateway.definitions ADD COLUMN kind text NOT NULL DEFAULT 'prompt' CHECK (kind IN ('prompt', 'workflow'));
ALTER TABLE gateway.definitions ALTER COLUMN kind DROP DEFAULT;

ALTER TABLE gateway.prompt_revisions RENAME TO revisions;
ALTER TABLE gateway.revisions RENAME COLUMN prompt_id TO definition_id;

-- Old slugs after a rename; they resolve to the definition forever (a slug is never reused).
CREATE TABLE gateway.slug_aliases (
    tenant_id     uuid        NOT NULL REFERENCES gateway.tenants (id),
    slug          text        NOT NULL,
    definition_id uuid        NOT NULL REFERENCES gateway.definitions (id) ON DELETE CASCADE,
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, slug)
);

-- Tags are movable pointers to published revisions.
CREATE TABLE gateway.tags (
    definition_id uuid        NOT NULL REFERENCES gateway.definitions (id) ON DELETE CASCADE,
    name          text        NOT NULL,
    revision_id   uuid        NOT NULL REFERENCES gateway.revisions (id),
    moved_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (definition_id, name)
);

-- A workflow run's results: Output-node name -> value, and the failed nodes' messages.
ALTER TABLE gateway.runs ADD COLUMN outputs jsonb NOT NULL DEFAULT '{}';
ALTER TABLE gateway.runs ADD COLUMN errors jsonb NOT NULL DEFAULT '[]';
