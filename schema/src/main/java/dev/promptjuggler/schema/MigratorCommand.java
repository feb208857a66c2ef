package dev.promptjuggler.schema;

import java.util.Map;
import org.flywaydb.core.api.MigrationInfo;

/**
 * {@code java -jar schema/target/schema.jar migrate|info}: the migrator as a command, for the local stack and the
 * Kubernetes Job. The database comes from the services' variables, with their defaults: {@code PJ_PG_HOST}
 * (127.0.0.1), {@code PJ_PG_PORT} (15432), {@code PJ_PG_DATABASE} (promptjuggler), {@code PJ_PG_USER} (pj),
 * {@code PJ_PG_PASSWORD} (pj). Exit code 0 on success, 1 on failure (the reason on standard error), 2 on a
 * wrong command line.
 */
public final class MigratorCommand {

    private MigratorCommand() {
    }

    public static void main(String[] args) {
        if (args.length != 1 || !(args[0].equals("migrate") || args[0].equals("info"))) {
            System.err.println("usage: java -jar schema.jar migrate|info");
            System.exit(2);
        }
        Map<String, String> env = System.getenv();
        String url = "jdbc:postgresql://" + env.getOrDefault("PJ_PG_HOST", "127.0.0.1") + ":"
                + env.getOrDefault("PJ_PG_PORT", "15432") + "/" + env.getOrDefault("PJ_PG_DATABASE", "promptjuggler");
        Migrator migrator = new Migrator(url, env.getOrDefault("PJ_PG_USER", "pj"), env.getOrDefault("PJ_PG_PASSWORD", "pj"));
        try {
            if (args[0].equals("migrate")) {
                var result = migrator.migrate();
                System.out.println("database " + url + ": " + result.migrationsExecuted + " migration(s) applied, at version "
                        + (result.targetSchemaVersion != null ? result.targetSchemaVersion : result.initialSchemaVersion));
            } else {
                for (MigrationInfo migration : migrator.info()) {
                    System.out.printf("%-10s %-9s %s%n", migration.getVersion(), migration.getState().getDisplayName(),
                            migration.getScript());
                }
            }
        } catch (RuntimeException e) {
            System.err.println("migration of " + url + " failed: " + e.getMessage());
            System.exit(1);
        }
    }
}
