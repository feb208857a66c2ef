package dev.promptjuggler.gateway.persistence;

import dev.promptjuggler.gateway.service.ApiKeyScope;
import dev.promptjuggler.gateway.service.ApiKeyService.NewKey;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

@ApplicationScoped
public class ApiKeyRepository {

    static final String INSERT = "INSERT INTO gateway.api_keys (id, tenant_id, name, scope, prefix, key_hash)"
            + " VALUES ($1, $2, $3, $4, $5, $6)";
    private static final String COLUMNS = "id, tenant_id, name, scope, prefix, created_at, revoked_at";
    private static final String AUTHENTICATE = "SELECT k.id, k.tenant_id, k.name, k.scope, k.prefix, k.created_at,"
            + " k.revoked_at, t.default_environment FROM gateway.api_keys k JOIN gateway.tenants t ON t.id = k.tenant_id"
            + " WHERE k.key_hash = $1 AND k.revoked_at IS NULL";

    private final Pool pool;

    public ApiKeyRepository(Pool pool) {
        this.pool = pool;
    }

    static Tuple insertArguments(UUID tenantId, String name, ApiKeyScope scope, NewKey key) {
        return Tuple.from(List.of(key.id(), tenantId, name, scope.wireName(), key.prefix(), key.hash()));
    }

    public Uni<StoredKey> insert(UUID tenantId, String name, ApiKeyScope scope, NewKey key) {
        return pool.preparedQuery(INSERT + " RETURNING " + COLUMNS)
                .execute(insertArguments(tenantId, name, scope, key))
                .map(rows -> key(rows.iterator().next()));
    }

    /** The active key with that digest, with what every request of its tenant needs: one statement. */
    public Uni<Optional<AuthenticatedKey>> findActiveByHash(String hash) {
        return pool.preparedQuery(AUTHENTICATE).execute(Tuple.of(hash))
                .map(rows -> TenantRepository.first(rows)
                        .map(row -> new AuthenticatedKey(key(row), row.getString("default_environment"))));
    }

    public Uni<List<StoredKey>> list(UUID tenantId) {
        return pool.preparedQuery("SELECT " + COLUMNS + " FROM gateway.api_keys WHERE tenant_id = $1 ORDER BY created_at")
                .execute(Tuple.of(tenantId))
                .map(rows -> {
                    List<StoredKey> keys = new ArrayList<>();
                    rows.forEach(row -> keys.add(key(row)));
                    return keys;
                });
    }

    /** @return false when the tenant has no active key with that id */
    public Uni<Boolean> revoke(UUID tenantId, UUID id) {
        return pool.preparedQuery("UPDATE gateway.api_keys SET revoked_at = now()"
                        + " WHERE tenant_id = $1 AND id = $2 AND revoked_at IS NULL")
                .execute(Tuple.of(tenantId, id))
                .map(rows -> rows.rowCount() == 1);
    }

    private static StoredKey key(Row row) {
        return new StoredKey(row.getUUID("id"), row.getUUID("tenant_id"), row.getString("name"),
                ApiKeyScope.fromWireName(row.getString("scope")), row.getString("prefix"),
                row.getOffsetDateTime("created_at"), row.getOffsetDateTime("revoked_at"));
    }

    /** @param defaultEnvironment the key's tenant's, for runs that name none */
    public record AuthenticatedKey(StoredKey key, String defaultEnvironment) {
    }

    /** What is stored of a key: never the key itself. */
    public record StoredKey(UUID id, UUID tenantId, String name, ApiKeyScope scope, String prefix,
            OffsetDateTime createdAt, OffsetDateTime revokedAt) {
    }
}
