package dev.promptjuggler.ingest.persistence;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only when the database can store and compare vectors, which every request here needs. */
@Readiness
@ApplicationScoped
public class PgvectorHealthCheck implements AsyncHealthCheck {

    private final Pool pool;

    public PgvectorHealthCheck(Pool pool) {
        this.pool = pool;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        return pool.query("SELECT extversion, '[1,0]'::vector <=> '[0,1]'::vector AS distance"
                        + " FROM pg_extension WHERE extname = 'vector'")
                .execute()
                .map(rows -> {
                    var builder = HealthCheckResponse.named("pgvector");
                    var iterator = rows.iterator();
                    if (!iterator.hasNext()) {
                        return builder.down().withData("reason", "extension vector is not installed").build();
                    }
                    return builder.up().withData("version", iterator.next().getString("extversion")).build();
                })
                .onFailure().recoverWithItem(failure -> HealthCheckResponse.named("pgvector").down()
                        .withData("reason", String.valueOf(failure.getMessage())).build());
    }
}
