package dev.promptjuggler.ingest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.pgvector.PGvector;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The real database serves vectors the way this service stores them: pgvector-java text, ::vector casts. */
@QuarkusTest
class PgvectorTest {

    @Inject
    Pool pool;

    @Test
    void readinessReportsPgvector() {
        given().when().get("/q/health/ready")
                .then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem("pgvector"));
    }

    @Test
    void nearestNeighboursByCosineDistanceThroughTheReactiveClient() {
        List<String> names = pool.withConnection(connection -> connection
                        .query("CREATE TEMP TABLE probe (name text, embedding vector(3))").execute()
                        .chain(() -> connection.preparedQuery("INSERT INTO probe VALUES ($1, cast($2 as vector))")
                                .executeBatch(List.of(
                                        Tuple.of("east", new PGvector(new float[] {1, 0, 0}).toString()),
                                        Tuple.of("north", new PGvector(new float[] {0, 1, 0}).toString()),
                                        Tuple.of("north-east", new PGvector(new float[] {0.7f, 0.7f, 0}).toString()))))
                        .chain(() -> connection.preparedQuery(
                                        "SELECT name FROM probe ORDER BY embedding <=> cast($1 as vector)")
                                .execute(Tuple.of(new PGvector(new float[] {0.9f, 0.1f, 0}).toString())))
                        .map(rows -> {
                            List<String> ordered = new ArrayList<>();
                            for (Row row : rows) {
                                ordered.add(row.getString("name"));
                            }
                            return ordered;
                        }))
                .await().atMost(Duration.ofSeconds(10));

        assertEquals(List.of("east", "north-east", "north"), names);
    }

    @Test
    void everyConnectionOpensWithTheSearchSettings() {
        Row settings = pool.query("SELECT current_setting('hnsw.ef_search'), current_setting('hnsw.iterative_scan'),"
                        + " current_setting('plan_cache_mode')")
                .execute().await().atMost(Duration.ofSeconds(10)).iterator().next();
        assertEquals(List.of("200", "strict_order", "force_custom_plan"),
                List.of(settings.getString(0), settings.getString(1), settings.getString(2)));
    }
}
