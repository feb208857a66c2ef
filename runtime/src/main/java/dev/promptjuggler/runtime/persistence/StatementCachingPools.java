package dev.promptjuggler.runtime.persistence;

import io.quarkus.reactive.pg.client.PgPoolCreator;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnectOptions;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * Makes every service's PostgreSQL pool (the default datasource; a named one asks for it with its own
 * {@code @ReactiveDataSource} creator calling {@link #cachingStatements}) keep each statement prepared per connection: a
 * statement is parsed once per connection instead of at every execution, and after five executions
 * PostgreSQL may keep its plan (as pgJDBC's server-side statements do). Our busiest statements (claims,
 * outcomes, the fan-out, the accepted run) are long CTEs, parsed and planned at every execution before
 * (docs/benchmarks.md, e2e journal of 2026-12-05: PostgreSQL's CPU per run at 400 runs/s −23 %).
 *
 * <p>Quarkus's {@code cache-prepared-statements} alone would leave them out: the Vert.x client keeps only
 * statements of up to 2,048 characters, and those are longer.
 */
@ApplicationScoped
public class StatementCachingPools implements PgPoolCreator {

    /** The longest statement kept prepared, in characters; ours run to about 3,000. */
    static final int SQL_LIMIT = 16_384;

    @Override
    public Pool create(Input input) {
        return cachingStatements(input);
    }

    /** The pool as Quarkus configured it, with every statement kept prepared per connection. */
    public static Pool cachingStatements(Input input) {
        input.pgConnectOptionsList().forEach(option -> option.setCachePreparedStatements(true)
                .setPreparedStatementCacheSqlLimit(SQL_LIMIT));
        return PgBuilder.pool().with(input.poolOptions())
                .connectingTo(List.<SqlConnectOptions>copyOf(input.pgConnectOptionsList()))
                .using(input.vertx()).build();
    }
}
