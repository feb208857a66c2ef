package dev.promptjuggler.gateway.promptly.apps;

import com.fasterxml.jackson.databind.JsonNode;
import dev.promptjuggler.contracts.RunKind;
import dev.promptjuggler.gateway.persistence.JsonColumns;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** {@code gateway.promptly_apps}: which of a tenant's prompts and workflows are Promptly apps, and their definitions. */
@ApplicationScoped
public class AppRepository {

    private static final String COLUMNS = "id, kind, app::text AS app, steps::text AS steps, created_at, updated_at";

    private final Pool pool;
    private final JsonColumns json;

    public AppRepository(Pool pool, JsonColumns json) {
        this.pool = pool;
        this.json = json;
    }

    /** The tenant's app of that uuid; another tenant's is as absent as one that never was. */
    public Uni<Optional<AppRow>> find(UUID tenantId, UUID id) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM gateway.promptly_apps WHERE id = $1 AND tenant_id = $2")
                .execute(Tuple.of(id, tenantId))
                .map(rows -> {
                    var found = rows.iterator();
                    return found.hasNext() ? Optional.of(app(found.next())) : Optional.empty();
                });
    }

    public Uni<AppRow> save(UUID tenantId, UUID id, RunKind kind, JsonNode app, Map<String, UUID> steps) {
        return pool.preparedQuery("INSERT INTO gateway.promptly_apps (id, tenant_id, kind, app, steps)"
                        + " VALUES ($1, $2, $3, $4::text::jsonb, $5::text::jsonb)"
                        + " ON CONFLICT (id) DO UPDATE SET app = excluded.app, steps = excluded.steps, updated_at = now()"
                        + " RETURNING " + COLUMNS)
                .execute(Tuple.from(List.of(id, tenantId, kind.wireName(), json.write(app), json.write(steps))))
                .map(rows -> app(rows.iterator().next()));
    }

    private AppRow app(Row row) {
        JsonNode steps = json.tree(row.getString("steps"));
        Map<String, UUID> byStep = new LinkedHashMap<>();
        steps.fields().forEachRemaining(step -> byStep.put(step.getKey(), UUID.fromString(step.getValue().asText())));
        return new AppRow(row.getUUID("id"), RunKind.valueOf(row.getString("kind").toUpperCase()),
                json.tree(row.getString("app")), byStep, row.getOffsetDateTime("created_at"),
                row.getOffsetDateTime("updated_at"));
    }

    /**
     * @param app   the app definition as last saved, read from YAML
     * @param steps processor id → the prompt made for it (workflow apps)
     */
    public record AppRow(UUID id, RunKind kind, JsonNode app, Map<String, UUID> steps, OffsetDateTime createdAt,
            OffsetDateTime updatedAt) {
    }
}
