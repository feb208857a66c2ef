package dev.promptjuggler.executor.persistence;

import dev.promptjuggler.runtime.persistence.StatementCachingPools;
import io.quarkus.reactive.datasource.ReactiveDataSource;
import io.quarkus.reactive.pg.client.PgPoolCreator;
import io.vertx.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;

/** The claims' own pool ({@link RunLeaseStore#claim}) keeps its statements prepared as the default pool does. */
@ApplicationScoped
@ReactiveDataSource("claims")
public class ClaimsPoolCreator implements PgPoolCreator {

    @Override
    public Pool create(Input input) {
        return StatementCachingPools.cachingStatements(input);
    }
}
