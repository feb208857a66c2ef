package dev.promptjuggler.gateway.persistence;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;

/**
 * A definition's settings beside its draft and revisions, which apply to every run of it whatever its version:
 * its run deadline ({@code gateway.definitions.run_timeout_seconds}, read by run-executor with a claim).
 */
@ApplicationScoped
public class DefinitionSettingsRepository {

    private final Pool pool;

    public DefinitionSettingsRepository(Pool pool) {
        this.pool = pool;
    }

    /** @return the definition's run deadline in seconds; null: run-executor's default */
    public Uni<Integer> runTimeoutSeconds(UUID definitionId) {
        return pool.preparedQuery("SELECT run_timeout_seconds FROM gateway.definitions WHERE id = $1")
                .execute(Tuple.of(definitionId))
                .map(rows -> rows.iterator().next().getInteger("run_timeout_seconds"));
    }

    /** @param seconds null: run-executor's default */
    public Uni<Void> setRunTimeoutSeconds(UUID definitionId, Integer seconds) {
        return pool.preparedQuery("UPDATE gateway.definitions SET run_timeout_seconds = $2 WHERE id = $1")
                .execute(Tuple.of(definitionId, seconds))
                .replaceWithVoid();
    }
}
