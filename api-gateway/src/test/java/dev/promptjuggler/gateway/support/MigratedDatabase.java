package dev.promptjuggler.gateway.support;

import dev.promptjuggler.schema.testing.TestDatabase;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Services do not migrate at start: before any test of this module starts the service, the test database is
 * brought to the latest version by the one migrator the stack uses (schema's {@code Migrator}). Declared
 * here, unrestricted, so it applies to every test.
 */
@QuarkusTestResource(MigratedDatabase.class)
public class MigratedDatabase implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        TestDatabase.migrate();
        return Map.of();
    }

    @Override
    public void stop() {
    }
}
