package dev.promptjuggler.gateway.persistence;

import dev.promptjuggler.gateway.service.ApiKeyScope;
import dev.promptjuggler.gateway.service.ApiKeyService.NewKey;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import java.util.UUID;

@ApplicationScoped
public class TenantRepository {

    private final Pool pool;

    public TenantRepository(Pool pool) {
        this.pool = pool;
    }

    public Uni<Void> insertTenantWithKey(UUID tenantId, String name, String defaultEnvironment, NewKey key,
            String keyName) {
        return pool.withTransaction(connection -> connection
                .preparedQuery("INSERT INTO gateway.tenants (id, name, default_environment) VALUES ($1, $2, $3)")
                .execute(Tuple.of(tenantId, name, defaultEnvironment))
                .chain(() -> connection
                        .preparedQuery(ApiKeyRepository.INSERT)
                        .execute(ApiKeyRepository.insertArguments(tenantId, keyName, ApiKeyScope.ADMIN, key))))
                .replaceWithVoid();
    }

    /** Days the tenant's runs, threads, memory and document bytes are kept; empty = for ever. */
    public Uni<Optional<Integer>> retentionDays(UUID tenantId) {
        return pool.preparedQuery("SELECT retention_days FROM gateway.tenants WHERE id = $1")
                .execute(Tuple.of(tenantId))
                .map(rows -> Optional.ofNullable(rows.iterator().next().getInteger("retention_days")));
    }

    /** @param days null turns retention off */
    public Uni<Void> setRetentionDays(UUID tenantId, Integer days) {
        return pool.preparedQuery("UPDATE gateway.tenants SET retention_days = $2 WHERE id = $1")
                .execute(Tuple.of(tenantId, days))
                .replaceWithVoid();
    }

    static Optional<Row> first(RowSet<Row> rows) {
        var iterator = rows.iterator();
        return iterator.hasNext() ? Optional.of(iterator.next()) : Optional.empty();
    }
}
