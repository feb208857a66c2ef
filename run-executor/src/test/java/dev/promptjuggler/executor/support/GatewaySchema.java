package dev.promptjuggler.executor.support;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;
import java.util.UUID;
import org.flywaydb.core.Flyway;

/**
 * The table this service moves (gateway.runs) belongs to api-gateway. Before this service starts in a
 * test, it is migrated exactly as its owner defines it, from its migration folder, into the same history
 * table the gateway's Flyway uses (a no-op when the gateway already ran). The scheduler gets a consumer
 * group of its own, so a test sees only the records produced after it started.
 */
public class GatewaySchema implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        Flyway.configure()
                .dataSource(TestPlatform.jdbcUrl(), TestPlatform.user(), TestPlatform.password())
                .schemas("gateway")
                .table("flyway_schema_history")
                .locations("filesystem:../api-gateway/src/main/resources/db/migration")
                // Ordering is the gateway's own Flyway's to judge; here only the tables matter.
                .outOfOrder(true)
                .load()
                .migrate();
        return Map.of("executor.scheduling.group-id", "run-executor-test-" + UUID.randomUUID());
    }

    @Override
    public void stop() {
    }
}
