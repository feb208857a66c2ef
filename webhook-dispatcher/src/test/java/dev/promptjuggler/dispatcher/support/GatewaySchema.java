package dev.promptjuggler.dispatcher.support;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.eclipse.microprofile.config.ConfigProvider;
import org.flywaydb.core.Flyway;

/**
 * The dispatcher reads api-gateway's endpoint tables, so its tests need them: they are created with
 * api-gateway's own migrations, exactly as the gateway would (same schema and history table).
 */
public class GatewaySchema implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        Path migrations = Path.of("../api-gateway/src/main/resources/db/migration").toAbsolutePath().normalize();
        if (!Files.isDirectory(migrations)) {
            throw new IllegalStateException("api-gateway's migrations are expected at " + migrations);
        }
        var config = ConfigProvider.getConfig();
        Flyway.configure()
                .dataSource(config.getValue("quarkus.datasource.jdbc.url", String.class),
                        config.getValue("quarkus.datasource.username", String.class),
                        config.getValue("quarkus.datasource.password", String.class))
                .schemas("gateway")
                .table("flyway_schema_history")
                .locations("filesystem:" + migrations)
                // The gateway's migrations are someone else's work in progress as often as not; the
                // dispatcher needs its endpoint tables, not a verdict on their history.
                .validateOnMigrate(false)
                .outOfOrder(true)
                .load()
                .migrate();
        return Map.of();
    }

    @Override
    public void stop() {
    }
}
