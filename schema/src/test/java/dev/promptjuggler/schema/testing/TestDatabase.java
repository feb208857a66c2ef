package dev.promptjuggler.schema.testing;

import dev.promptjuggler.schema.Migrator;

/**
 * The test stack's database (the {@code PJ_PG_*} variables, the services' defaults) for every module's tests,
 * migrated by the one migrator the stack uses. Shipped in this module's test jar.
 */
public final class TestDatabase {

    private static boolean migrated;

    private TestDatabase() {
    }

    public static String jdbcUrl() {
        return "jdbc:postgresql://" + env("PJ_PG_HOST", "127.0.0.1") + ":" + env("PJ_PG_PORT", "15432") + "/"
                + env("PJ_PG_DATABASE", "promptjuggler");
    }

    public static String user() {
        return env("PJ_PG_USER", "pj");
    }

    public static String password() {
        return env("PJ_PG_PASSWORD", "pj");
    }

    /** Brings the database to the latest version, once per test JVM (later calls return at once). */
    public static synchronized void migrate() {
        if (!migrated) {
            Migrator.migrate(jdbcUrl(), user(), password());
            migrated = true;
        }
    }

    private static String env(String name, String fallback) {
        return System.getenv().getOrDefault(name, fallback);
    }
}
