package dev.promptjuggler.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.promptjuggler.schema.testing.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code gateway.resolve_definition} and {@code gateway.resolve_revision}: the one rule api-gateway (run endpoints,
 * revision reads, workflow publishing) and run-executor (prompt and workflow tools and nodes) resolve a reference
 * by, so every case is proven here once, against the migrated database.
 */
class ResolveRevisionTest {

    private static Connection db;
    private static final UUID TENANT = UUID.randomUUID();
    private static final UUID OTHER_TENANT = UUID.randomUUID();
    private static final UUID PROMPT = UUID.randomUUID();
    private static final UUID OTHER_PROMPT = UUID.randomUUID();
    private static final UUID WORKFLOW = UUID.randomUUID();
    private static final UUID V1 = UUID.randomUUID();
    private static final UUID V2 = UUID.randomUUID();
    private static final UUID V10 = UUID.randomUUID();
    private static final UUID OTHER_V1 = UUID.randomUUID();
    private static final UUID DRAFT_SNAPSHOT = UUID.randomUUID();
    private static final UUID ARCHIVED = UUID.randomUUID();
    private static final String SLUG = "pr_resolve_" + TENANT.toString().substring(0, 8);

    @BeforeAll
    static void seed() throws SQLException {
        TestDatabase.migrate();
        db = DriverManager.getConnection(TestDatabase.jdbcUrl(), TestDatabase.user(), TestDatabase.password());
        update("INSERT INTO gateway.tenants (id, name) VALUES (?, 'resolve'), (?, 'other')", TENANT, OTHER_TENANT);
        update("INSERT INTO gateway.definitions (id, tenant_id, kind, name, slug, draft) VALUES"
                + " (?, ?, 'prompt', 'Resolve', ?, '{}'), (?, ?, 'prompt', 'Other', ?, '{}'),"
                + " (?, ?, 'workflow', 'Flow', 'wf_flow', '{}')",
                PROMPT, TENANT, SLUG, OTHER_PROMPT, OTHER_TENANT, SLUG, WORKFLOW, TENANT);
        update("INSERT INTO gateway.slug_aliases (tenant_id, slug, definition_id) VALUES (?, 'pr_before_rename', ?)",
                TENANT, PROMPT);
        update("INSERT INTO gateway.revisions (id, tenant_id, definition_id, version, config) VALUES"
                + " (?, ?, ?, 1, '{}'), (?, ?, ?, 2, '{}'), (?, ?, ?, 10, '{}'), (?, ?, ?, 1, '{}')",
                V1, TENANT, PROMPT, V2, TENANT, PROMPT, V10, TENANT, PROMPT, OTHER_V1, OTHER_TENANT, OTHER_PROMPT);
        update("INSERT INTO gateway.tags (definition_id, name, revision_id) VALUES (?, 'production', ?)", PROMPT, V2);
        // Draft runs' snapshots: version 0, never a published revision; the workflow has nothing else.
        update("INSERT INTO gateway.revisions (id, tenant_id, definition_id, version, config) VALUES"
                + " (?, ?, ?, 0, '{}'), (?, ?, ?, 0, '{}')", DRAFT_SNAPSHOT, TENANT, PROMPT, UUID.randomUUID(), TENANT,
                WORKFLOW);
        update("INSERT INTO gateway.definitions (id, tenant_id, kind, name, slug, draft, archived_at) VALUES"
                + " (?, ?, 'prompt', 'Archived', 'pr_archived', '{}', now())", ARCHIVED, TENANT);
        update("INSERT INTO gateway.slug_aliases (tenant_id, slug, definition_id) VALUES (?, 'pr_archived_before', ?)",
                TENANT, ARCHIVED);
    }

    @AfterAll
    static void close() throws SQLException {
        db.close();
    }

    @Test
    void aDefinitionIsNamedByItsSlugAFormerSlugOrItsIdWithinOneTenantAndKind() throws SQLException {
        assertEquals(PROMPT, definition(TENANT, "prompt", SLUG));
        assertEquals(PROMPT, definition(TENANT, "prompt", "pr_before_rename"));
        assertEquals(PROMPT, definition(TENANT, "prompt", PROMPT.toString()));
        assertEquals(PROMPT, definition(TENANT, "prompt", PROMPT.toString().toUpperCase()));
        assertEquals(OTHER_PROMPT, definition(OTHER_TENANT, "prompt", SLUG));
        assertNull(definition(TENANT, "prompt", OTHER_PROMPT.toString()), "another tenant's prompt");
        assertNull(definition(TENANT, "workflow", SLUG), "a prompt is not a workflow");
        assertEquals(WORKFLOW, definition(TENANT, "workflow", "wf_flow"));
        assertNull(definition(TENANT, "prompt", "pr_unknown"));
    }

    @Test
    void anArchivedDefinitionIsNamedByNothing() throws SQLException {
        assertNull(definition(TENANT, "prompt", "pr_archived"), "its slug");
        assertNull(definition(TENANT, "prompt", "pr_archived_before"), "a slug it had before a rename");
        assertNull(definition(TENANT, "prompt", ARCHIVED.toString()), "its id");
    }

    @Test
    void aDraftSnapshotIsNoPublishedRevision() throws SQLException {
        assertNull(revision(PROMPT, DRAFT_SNAPSHOT.toString()), "not by its id");
        assertNull(revision(PROMPT, "0"), "not as version 0");
        assertNull(revision(WORKFLOW, "__latest__"), "a workflow with only draft snapshots has no latest version");
    }

    @Test
    void aVersionIsANumberATagLatestOrARevisionIdOfThatDefinition() throws SQLException {
        assertEquals(V1, revision(PROMPT, "1"));
        assertEquals(V10, revision(PROMPT, "10"), "compared as a number, not as text");
        assertNull(revision(PROMPT, "01"), "a number is written without leading zeros");
        assertNull(revision(PROMPT, "3"), "not published");
        assertEquals(V2, revision(PROMPT, "production"));
        assertNull(revision(PROMPT, "staging"), "no such tag");
        assertEquals(V10, revision(PROMPT, "__latest__"), "the highest version");
        assertEquals(V1, revision(PROMPT, V1.toString()));
        assertEquals(V1, revision(PROMPT, V1.toString().toUpperCase()));
        assertNull(revision(PROMPT, OTHER_V1.toString()), "another definition's revision id");
        assertNull(revision(WORKFLOW, "__latest__"), "nothing published (draft snapshots are not)");
        assertNull(revision(null, "1"), "an unresolved definition resolves nothing");
    }

    private static UUID definition(UUID tenant, String kind, String reference) throws SQLException {
        return single("SELECT gateway.resolve_definition(?, ?, ?)", tenant, kind, reference);
    }

    private static UUID revision(UUID definition, String version) throws SQLException {
        return single("SELECT gateway.resolve_revision(?, ?)", definition, version);
    }

    private static UUID single(String sql, Object... arguments) throws SQLException {
        try (PreparedStatement statement = prepare(sql, arguments); ResultSet rows = statement.executeQuery()) {
            rows.next();
            return rows.getObject(1, UUID.class);
        }
    }

    private static void update(String sql, Object... arguments) throws SQLException {
        try (PreparedStatement statement = prepare(sql, arguments)) {
            statement.executeUpdate();
        }
    }

    private static PreparedStatement prepare(String sql, Object... arguments) throws SQLException {
        PreparedStatement statement = db.prepareStatement(sql);
        for (int i = 0; i < arguments.length; i++) {
            if (arguments[i] == null) {
                statement.setNull(i + 1, java.sql.Types.OTHER);
            } else {
                statement.setObject(i + 1, arguments[i]);
            }
        }
        return statement;
    }
}
