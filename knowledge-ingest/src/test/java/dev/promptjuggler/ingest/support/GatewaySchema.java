package dev.promptjuggler.ingest.support;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;
import org.flywaydb.core.Flyway;

/**
 * The tables this service reads and moves (gateway.knowledge_bases, gateway.knowledge_documents) belong to
 * api-gateway. Before this service starts in a test, they are migrated exactly as their owner defines them,
 * from its migration folder, into the same history table its own Flyway uses (a no-op when the gateway
 * already ran).
 */
public class GatewaySchema implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        String port = System.getenv().getOrDefault("PJ_PG_PORT", "15432");
        String database = System.getenv().getOrDefault("PJ_PG_DATABASE", "promptjuggler");
        Flyway.configure()
                .dataSource("jdbc:postgresql://127.0.0.1:" + port + "/" + database,
                        System.getenv().getOrDefault("PJ_PG_USER", "pj"), System.getenv().getOrDefault("PJ_PG_PASSWORD", "pj"))
                .schemas("gateway")
                .table("flyway_schema_history")
                .locations("filesystem:../api-gateway/src/main/resources/db/migration")
                // Ordering is the gateway's own Flyway's to judge; here only the tables matter.
                .outOfOrder(true)
                .load()
                .migrate();
        return Map.of();
    }

    @Override
    public void stop() {
    }
}
