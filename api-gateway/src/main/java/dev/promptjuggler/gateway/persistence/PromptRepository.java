package dev.promptjuggler.gateway.persistence;

import dev.promptjuggler.contracts.prompt.PromptConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.UUID;

@ApplicationScoped
public class PromptRepository {

    private final Pool pool;
    private final JsonColumns json;

    public PromptRepository(Pool pool, JsonColumns json) {
        this.pool = pool;
        this.json = json;
    }

    /** @return false when the tenant already has a prompt with that slug */
    public Uni<Boolean> insert(UUID id, UUID tenantId, String name, String slug, PromptConfig draft) {
        return pool.preparedQuery("INSERT INTO gateway.prompts (id, tenant_id, name, slug, draft)"
                        + " VALUES ($1, $2, $3, $4, $5::text::jsonb) ON CONFLICT (tenant_id, slug) DO NOTHING")
                .execute(Tuple.of(id, tenantId, name, slug, json.write(draft)))
                .map(rows -> rows.rowCount() == 1);
    }

    public Uni<Optional<PromptRow>> findBySlug(UUID tenantId, String slug) {
        return pool.preparedQuery("SELECT id, name, slug, draft::text AS draft FROM gateway.prompts"
                        + " WHERE tenant_id = $1 AND slug = $2")
                .execute(Tuple.of(tenantId, slug))
                .map(rows -> TenantRepository.first(rows).map(this::prompt));
    }

    /**
     * Publishes the draft as the next version. The prompt row is locked so concurrent publishes get
     * consecutive numbers.
     */
    public Uni<RevisionRow> publishDraft(UUID tenantId, UUID promptId, String changeNote) {
        return pool.withTransaction(connection -> connection
                .preparedQuery("SELECT draft::text AS draft FROM gateway.prompts WHERE id = $1 FOR UPDATE")
                .execute(Tuple.of(promptId))
                .chain(locked -> connection
                        .preparedQuery("INSERT INTO gateway.prompt_revisions (id, tenant_id, prompt_id, version, config, change_note)"
                                + " SELECT $1, $2, $3, coalesce(max(version), 0) + 1, p.draft, $4"
                                + " FROM gateway.prompts p LEFT JOIN gateway.prompt_revisions r ON r.prompt_id = p.id"
                                + " WHERE p.id = $3 GROUP BY p.draft"
                                + " RETURNING id, version, config::text AS config, change_note, published_at")
                        .execute(Tuple.of(UUID.randomUUID(), tenantId, promptId, changeNote)))
                .map(rows -> revision(rows.iterator().next())));
    }

    public Uni<Optional<RevisionRow>> findRevision(UUID promptId, int version) {
        return pool.preparedQuery("SELECT id, version, config::text AS config, change_note, published_at"
                        + " FROM gateway.prompt_revisions WHERE prompt_id = $1 AND version = $2")
                .execute(Tuple.of(promptId, version))
                .map(rows -> TenantRepository.first(rows).map(this::revision));
    }

    public Uni<Optional<RevisionRow>> findLatestRevision(UUID promptId) {
        return pool.preparedQuery("SELECT id, version, config::text AS config, change_note, published_at"
                        + " FROM gateway.prompt_revisions WHERE prompt_id = $1 ORDER BY version DESC LIMIT 1")
                .execute(Tuple.of(promptId))
                .map(rows -> TenantRepository.first(rows).map(this::revision));
    }

    private PromptRow prompt(Row row) {
        return new PromptRow(row.getUUID("id"), row.getString("name"), row.getString("slug"),
                json.read(row.getString("draft"), PromptConfig.class));
    }

    private RevisionRow revision(Row row) {
        return new RevisionRow(row.getUUID("id"), row.getInteger("version"),
                json.read(row.getString("config"), PromptConfig.class), row.getString("change_note"),
                row.getOffsetDateTime("published_at"));
    }

    public record PromptRow(UUID id, String name, String slug, PromptConfig draft) {
    }

    public record RevisionRow(UUID id, int version, PromptConfig config, String changeNote,
            OffsetDateTime publishedAt) {
    }
}
