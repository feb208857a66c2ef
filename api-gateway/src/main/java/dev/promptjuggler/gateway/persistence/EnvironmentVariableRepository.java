package dev.promptjuggler.gateway.persistence;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/** Stored environment variables. Values are written encrypted and never read back by this service. */
@ApplicationScoped
public class EnvironmentVariableRepository {

    private static final String COLUMNS = "id, key, environment, created_at, updated_at";

    private final Pool pool;

    public EnvironmentVariableRepository(Pool pool) {
        this.pool = pool;
    }

    /** Creates the variable, or replaces the value of the one with the same key and environment. */
    public Uni<VariableRow> upsert(UUID tenantId, String key, String environment, String encryptedValue) {
        return pool.preparedQuery("INSERT INTO gateway.environment_variables (id, tenant_id, key, environment, value)"
                        + " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (tenant_id, key, environment)"
                        + " DO UPDATE SET value = excluded.value, updated_at = now() RETURNING " + COLUMNS)
                .execute(Tuple.from(Arrays.asList(UUID.randomUUID(), tenantId, key, environment, encryptedValue)))
                .map(rows -> variable(rows.iterator().next()));
    }

    public Uni<List<VariableRow>> list(UUID tenantId) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM gateway.environment_variables WHERE tenant_id = $1"
                        + " ORDER BY key, environment NULLS FIRST")
                .execute(Tuple.of(tenantId))
                .map(rows -> {
                    List<VariableRow> variables = new ArrayList<>();
                    rows.forEach(row -> variables.add(variable(row)));
                    return variables;
                });
    }

    /** @return false when the tenant has no variable with that id */
    public Uni<Boolean> delete(UUID tenantId, UUID id) {
        return pool.preparedQuery("DELETE FROM gateway.environment_variables WHERE tenant_id = $1 AND id = $2")
                .execute(Tuple.of(tenantId, id))
                .map(rows -> rows.rowCount() == 1);
    }

    private static VariableRow variable(Row row) {
        return new VariableRow(row.getUUID("id"), row.getString("key"), row.getString("environment"),
                row.getOffsetDateTime("created_at"), row.getOffsetDateTime("updated_at"));
    }

    /** A variable as it may be shown: without its value. */
    public record VariableRow(UUID id, String key, String environment, OffsetDateTime createdAt,
            OffsetDateTime updatedAt) {
    }
}
