package dev.promptjuggler.executor.persistence;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Reads the encrypted variables api-gateway stored: the tenant's, and a run's per-request ones. */
@ApplicationScoped
public class VariableStore {

    private final Pool pool;

    public VariableStore(Pool pool) {
        this.pool = pool;
    }

    public Uni<List<StoredVariable>> tenantVariables(UUID tenantId) {
        return pool.preparedQuery("SELECT key, environment, value FROM gateway.environment_variables"
                        + " WHERE tenant_id = $1")
                .execute(Tuple.of(tenantId))
                .map(rows -> {
                    List<StoredVariable> variables = new ArrayList<>();
                    for (Row row : rows) {
                        variables.add(new StoredVariable(row.getString("key"), row.getString("environment"),
                                row.getString("value")));
                    }
                    return variables;
                });
    }

    /** The run's per-request envVars (encrypted JSON), until the run ends and they are purged. */
    public Uni<Optional<String>> runVariables(UUID runId) {
        return pool.preparedQuery("SELECT value FROM gateway.run_env_vars WHERE run_id = $1")
                .execute(Tuple.of(runId))
                .map(rows -> rows.iterator().hasNext()
                        ? Optional.of(rows.iterator().next().getString("value"))
                        : Optional.empty());
    }

    /** @param encryptedValue as api-gateway wrote it; bound to tenant, key and environment */
    public record StoredVariable(String key, String environment, String encryptedValue) {
    }
}
