package dev.promptjuggler.executor.support;

import dev.promptjuggler.schema.testing.TestDatabase;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Services do not migrate at start: before any test of this module starts the service, the test database is
 * brought to the latest version by the one migrator the stack uses (schema's {@code Migrator}). Declared
 * here, unrestricted, so it applies to every test, at every start of the service (each test profile starts it anew).
 *
 * <p>Then the runs an earlier start left unfinished (a run held at its provider when its application stopped, or one
 * an earlier run of the suite left in the same database) end failed, their notice taken as sent: this start's sweeper
 * would otherwise publish them again and its provider answer them, a held one taking a slot that no test of this start
 * releases. Each start executes only the runs its own tests create.
 */
@QuarkusTestResource(MigratedDatabase.class)
public class MigratedDatabase implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        TestDatabase.migrate();
        endRunsLeftUnfinished();
        return Map.of();
    }

    private static void endRunsLeftUnfinished() {
        TestPlatform.update("INSERT INTO executor.run_states (run_id, status, error, finished_at, notified_at)"
                + " SELECT r.id, 'failed', 'left unfinished by an earlier test application', now(), now()"
                + " FROM gateway.runs r LEFT JOIN executor.run_states e ON e.run_id = r.id"
                + " WHERE e.run_id IS NULL OR e.status = 'pending'"
                + " ON CONFLICT (run_id) DO UPDATE SET status = 'failed', error = excluded.error, finished_at = now(),"
                + " notified_at = now()");
    }

    @Override
    public void stop() {
    }
}
