package dev.promptjuggler.gateway.persistence;

import com.fasterxml.jackson.databind.JsonNode;
import dev.promptjuggler.contracts.RunKind;
import dev.promptjuggler.gateway.persistence.ChangeNotices.Subject;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Prompts and workflows: a draft, immutable published revisions, movable tags, and the slugs they
 * were known by before a rename. A revision with version 0 is a snapshot of a draft a draft run executes, never a
 * published one: the queries of published revisions skip it. Its writes that change what a version reference
 * resolves to tell {@link ChangeNotices} at once; other replicas hear of them from the database.
 */
@ApplicationScoped
public class DefinitionRepository {

    private static final String DEFINITION_COLUMNS = "d.id, d.kind, d.name, d.slug, d.draft::text AS draft,"
            + " d.created_at, d.updated_at, d.archived_at,"
            + " (SELECT max(version) FROM gateway.revisions r WHERE r.definition_id = d.id AND r.version > 0)"
            + " AS latest_version";
    private static final String REVISION_COLUMNS = "r.id, r.definition_id, r.version, r.config::text AS config,"
            + " r.change_note, r.published_at,"
            + " coalesce((SELECT array_agg(t.name ORDER BY t.name) FROM gateway.tags t WHERE t.revision_id = r.id),"
            + " '{}') AS tags";

    private final Pool pool;
    private final JsonColumns json;
    private final ChangeNotices changes;

    public DefinitionRepository(Pool pool, JsonColumns json, ChangeNotices changes) {
        this.pool = pool;
        this.json = json;
        this.changes = changes;
    }

    /** @return false when the slug is taken by another definition or was one's slug before a rename */
    public Uni<Boolean> insert(UUID id, UUID tenantId, RunKind kind, String name, String slug, Object draft) {
        return pool.preparedQuery("INSERT INTO gateway.definitions (id, tenant_id, kind, name, slug, draft)"
                        + " SELECT $1, $2, $3, $4, $5, $6::text::jsonb WHERE NOT EXISTS"
                        + " (SELECT 1 FROM gateway.slug_aliases a WHERE a.tenant_id = $2 AND a.slug = $5)"
                        + " ON CONFLICT (tenant_id, slug) DO NOTHING")
                .execute(Tuple.from(List.of(id, tenantId, wire(kind), name, slug, json.write(draft))))
                .map(rows -> rows.rowCount() == 1);
    }

    /** Finds a definition by its slug or by a slug it had before a rename. */
    public Uni<Optional<DefinitionRow>> findBySlug(UUID tenantId, RunKind kind, String slug) {
        return pool.preparedQuery("SELECT " + DEFINITION_COLUMNS + " FROM gateway.definitions d"
                        + " WHERE d.tenant_id = $1 AND d.kind = $2 AND (d.slug = $3 OR d.id ="
                        + " (SELECT a.definition_id FROM gateway.slug_aliases a WHERE a.tenant_id = $1 AND a.slug = $3))")
                .execute(Tuple.of(tenantId, wire(kind), slug))
                .map(rows -> TenantRepository.first(rows).map(this::definition));
    }

    /**
     * A definition as another one refers to it: by id, slug or former slug, by {@code gateway.resolve_definition},
     * the rule run-executor resolves its references with too.
     */
    public Uni<Optional<DefinitionRow>> findReferenced(UUID tenantId, RunKind kind, String reference) {
        return pool.preparedQuery("SELECT " + DEFINITION_COLUMNS + " FROM gateway.definitions d"
                        + " WHERE d.id = gateway.resolve_definition($1, $2, $3)")
                .execute(Tuple.of(tenantId, wire(kind), reference))
                .map(rows -> TenantRepository.first(rows).map(this::definition));
    }

    /** @param archived the archived definitions too */
    public Uni<List<DefinitionRow>> list(UUID tenantId, RunKind kind, boolean archived) {
        return pool.preparedQuery("SELECT " + DEFINITION_COLUMNS + " FROM gateway.definitions d"
                        + " WHERE d.tenant_id = $1 AND d.kind = $2 AND ($3 OR d.archived_at IS NULL) ORDER BY d.name, d.id")
                .execute(Tuple.of(tenantId, wire(kind), archived))
                .map(rows -> map(rows, this::definition));
    }

    /** Archives the definition; one archived already keeps the time it was archived first. */
    public Uni<Void> archive(UUID definitionId) {
        return pool.preparedQuery("UPDATE gateway.definitions SET archived_at = coalesce(archived_at, now()) WHERE id = $1")
                .execute(Tuple.of(definitionId))
                .invoke(() -> changes.changedHere(Subject.DEFINITIONS))
                .replaceWithVoid();
    }

    public Uni<List<String>> aliases(UUID definitionId) {
        return pool.preparedQuery("SELECT slug FROM gateway.slug_aliases WHERE definition_id = $1 ORDER BY created_at")
                .execute(Tuple.of(definitionId))
                .map(rows -> map(rows, row -> row.getString("slug")));
    }

    public Uni<Void> saveDraft(UUID definitionId, Object draft) {
        return pool.preparedQuery("UPDATE gateway.definitions SET draft = $2::text::jsonb, updated_at = now() WHERE id = $1")
                .execute(Tuple.of(definitionId, json.write(draft)))
                .replaceWithVoid();
    }

    /**
     * Renames the definition; its current slug becomes an alias in the same transaction.
     *
     * @return false when the new slug is taken (by a definition or an alias of another one)
     */
    public Uni<Boolean> rename(UUID tenantId, UUID definitionId, String oldSlug, String newName, String newSlug) {
        return pool.withTransaction(connection -> connection
                .preparedQuery("SELECT 1 FROM gateway.definitions WHERE tenant_id = $1 AND slug = $2 AND id <> $3"
                        + " UNION ALL SELECT 1 FROM gateway.slug_aliases WHERE tenant_id = $1 AND slug = $2"
                        + " AND definition_id <> $3")
                .execute(Tuple.of(tenantId, newSlug, definitionId))
                .chain(taken -> {
                    if (taken.size() > 0) {
                        return Uni.createFrom().item(false);
                    }
                    if (oldSlug.equals(newSlug)) {
                        return connection.preparedQuery("UPDATE gateway.definitions SET name = $2, updated_at = now() WHERE id = $1")
                                .execute(Tuple.of(definitionId, newName)).replaceWith(true);
                    }
                    return connection.preparedQuery("INSERT INTO gateway.slug_aliases (tenant_id, slug, definition_id)"
                                    + " VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
                            .execute(Tuple.of(tenantId, oldSlug, definitionId))
                            .chain(() -> connection.preparedQuery("DELETE FROM gateway.slug_aliases"
                                            + " WHERE tenant_id = $1 AND slug = $2")
                                    .execute(Tuple.of(tenantId, newSlug)))
                            .chain(() -> connection.preparedQuery("UPDATE gateway.definitions"
                                            + " SET name = $2, slug = $3, updated_at = now() WHERE id = $1")
                                    .execute(Tuple.of(definitionId, newName, newSlug)))
                            .replaceWith(true);
                })).invoke(() -> changes.changedHere(Subject.DEFINITIONS));
    }

    /**
     * Publishes {@code draft} (the draft as the caller read and checked it) as the next version. The
     * definition row is locked so concurrent publishes get consecutive numbers.
     *
     * @return empty when the definition was archived meanwhile (nothing is published)
     */
    public Uni<Optional<RevisionRow>> publishDraft(UUID tenantId, UUID definitionId, JsonNode draft, String changeNote) {
        return pool.withTransaction(connection -> connection
                .preparedQuery("SELECT 1 FROM gateway.definitions WHERE id = $1 FOR UPDATE")
                .execute(Tuple.of(definitionId))
                .chain(locked -> connection
                        .preparedQuery("INSERT INTO gateway.revisions (id, tenant_id, definition_id, version, config, change_note)"
                                + " SELECT $1, $2, d.id, coalesce((SELECT max(version) FROM gateway.revisions"
                                + " WHERE definition_id = d.id), 0) + 1, $4::text::jsonb, $5"
                                + " FROM gateway.definitions d WHERE d.id = $3 AND d.archived_at IS NULL"
                                + " RETURNING id, definition_id, version, config::text AS config, change_note,"
                                + " published_at, '{}'::text[] AS tags")
                        .execute(Tuple.of(UUID.randomUUID(), tenantId, definitionId, json.write(draft), changeNote)))
                .map(rows -> TenantRepository.first(rows).map(this::revision)))
                .invoke(() -> changes.changedHere(Subject.DEFINITIONS));
    }

    /**
     * The snapshot of {@code draft} a draft run executes: a revision with version 0, never published. An unchanged
     * draft's snapshot is reused, so repeated test runs do not pile up copies (two concurrent first runs may each
     * store one, which is harmless).
     */
    public Uni<RevisionRow> draftSnapshot(UUID tenantId, UUID definitionId, JsonNode draft) {
        return pool.preparedQuery("WITH existing AS (SELECT id FROM gateway.revisions"
                        + " WHERE definition_id = $3 AND version = 0 AND config = $4::text::jsonb LIMIT 1),"
                        + " stored AS (INSERT INTO gateway.revisions (id, tenant_id, definition_id, version, config)"
                        + " SELECT $1, $2, $3, 0, $4::text::jsonb WHERE NOT EXISTS (SELECT 1 FROM existing) RETURNING id)"
                        + " SELECT id FROM existing UNION ALL SELECT id FROM stored")
                .execute(Tuple.of(UUID.randomUUID(), tenantId, definitionId, json.write(draft)))
                .chain(rows -> revisionWhere("r.id = $1", Tuple.of(rows.iterator().next().getUUID("id"))))
                .map(Optional::orElseThrow);
    }

    public Uni<Optional<RevisionRow>> findRevision(UUID definitionId, int version) {
        return revisionWhere("r.definition_id = $1 AND r.version = $2", Tuple.of(definitionId, version));
    }

    /**
     * The published revision a version reference names: a version number, {@code __latest__}, a revision id or
     * a tag, by {@code gateway.resolve_revision}, the rule run-executor resolves its references with too.
     */
    public Uni<Optional<RevisionRow>> resolveRevision(UUID definitionId, String version) {
        return revisionWhere("r.id = gateway.resolve_revision($1, $2)", Tuple.of(definitionId, version));
    }

    public Uni<List<RevisionRow>> listRevisions(UUID definitionId) {
        return pool.preparedQuery("SELECT " + REVISION_COLUMNS + " FROM gateway.revisions r"
                        + " WHERE r.definition_id = $1 AND r.version > 0 ORDER BY r.version DESC")
                .execute(Tuple.of(definitionId))
                .map(rows -> map(rows, this::revision));
    }

    /** Points the tag at the revision, creating or moving it. */
    public Uni<Void> moveTag(UUID definitionId, String tag, UUID revisionId) {
        return pool.preparedQuery("INSERT INTO gateway.tags (definition_id, name, revision_id) VALUES ($1, $2, $3)"
                        + " ON CONFLICT (definition_id, name) DO UPDATE SET revision_id = excluded.revision_id,"
                        + " moved_at = now()")
                .execute(Tuple.of(definitionId, tag, revisionId))
                .invoke(() -> changes.changedHere(Subject.DEFINITIONS))
                .replaceWithVoid();
    }

    /** @return false when there was no such tag */
    public Uni<Boolean> deleteTag(UUID definitionId, String tag) {
        return pool.preparedQuery("DELETE FROM gateway.tags WHERE definition_id = $1 AND name = $2")
                .execute(Tuple.of(definitionId, tag))
                .invoke(() -> changes.changedHere(Subject.DEFINITIONS))
                .map(rows -> rows.rowCount() == 1);
    }

    private Uni<Optional<RevisionRow>> revisionWhere(String condition, Tuple arguments) {
        return pool.preparedQuery("SELECT " + REVISION_COLUMNS + " FROM gateway.revisions r WHERE " + condition)
                .execute(arguments)
                .map(rows -> TenantRepository.first(rows).map(this::revision));
    }

    private DefinitionRow definition(Row row) {
        return new DefinitionRow(row.getUUID("id"), RunKind.valueOf(row.getString("kind").toUpperCase()),
                row.getString("name"), row.getString("slug"), json.tree(row.getString("draft")),
                row.getInteger("latest_version"), row.getOffsetDateTime("created_at"),
                row.getOffsetDateTime("updated_at"), row.getOffsetDateTime("archived_at"));
    }

    private RevisionRow revision(Row row) {
        return new RevisionRow(row.getUUID("id"), row.getUUID("definition_id"), row.getInteger("version"),
                json.tree(row.getString("config")), row.getString("change_note"),
                row.getOffsetDateTime("published_at"), Arrays.asList(row.getArrayOfStrings("tags")));
    }

    private static String wire(RunKind kind) {
        return kind.wireName();
    }

    private static <T> List<T> map(RowSet<Row> rows, java.util.function.Function<Row, T> mapper) {
        List<T> result = new ArrayList<>(rows.size());
        rows.forEach(row -> result.add(mapper.apply(row)));
        return result;
    }

    /**
     * @param latestVersion null while nothing is published
     * @param archivedAt    null unless archived
     */
    public record DefinitionRow(UUID id, RunKind kind, String name, String slug, JsonNode draft,
            Integer latestVersion, OffsetDateTime createdAt, OffsetDateTime updatedAt, OffsetDateTime archivedAt) {

        public boolean archived() {
            return archivedAt != null;
        }
    }

    /** @param version {@value #DRAFT_VERSION} for a draft's snapshot, from 1 up for published revisions */
    public record RevisionRow(UUID id, UUID definitionId, int version, JsonNode config, String changeNote,
            OffsetDateTime publishedAt, List<String> tags) {

        /** The version of a draft's snapshot: no published revision has it. */
        public static final int DRAFT_VERSION = 0;

        public boolean draft() {
            return version == DRAFT_VERSION;
        }
    }
}
