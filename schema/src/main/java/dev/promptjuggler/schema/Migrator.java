package dev.promptjuggler.schema;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Applies every migration of the database, all schemas in one history ({@code public.flyway_schema_history}),
 * from {@code db/migration/<schema>/} on the class path. Versions are ordered across the folders (the issue
 * that brought a migration is its major version), so one history decides what runs next wherever it lives.
 * The local stack, the Kubernetes Job, the tests and the benchmarks all migrate through this class; no
 * service migrates at start.
 *
 * <p>Databases migrated before issue 14 carry one history per service ({@code <schema>.flyway_schema_history}).
 * When each of those is at its last version, the database is exactly what the migrations up to
 * {@link #LEGACY_BASELINE} create: it is adopted (baselined there, the old histories dropped) and migrated
 * on. Any other state of the old histories is refused with what to do.
 */
public final class Migrator {

    /** The history table, in {@code public}: it belongs to no service. */
    static final String HISTORY_TABLE = "flyway_schema_history";

    /**
     * The schemas' migration folders, each named: a bare {@code db/migration} would also take the per-service
     * migrations that builds from before this module left in the services' {@code target/classes}.
     */
    static final List<String> SCHEMAS = List.of("gateway", "executor", "dispatch", "knowledge");

    /** The last version the per-service histories reached, all three together. */
    static final String LEGACY_BASELINE = "8.3";

    /** The advisory lock key that serialises adoptions ("pjschema" in ASCII). */
    private static final long ADOPTION_LOCK = 0x706a736368656d61L;

    /** Each per-service history of earlier versions and the last version it reached. */
    private static final Map<String, String> LEGACY_HISTORIES = legacyHistories();

    private final String jdbcUrl;
    private final String user;
    private final String password;

    public Migrator(String jdbcUrl, String user, String password) {
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
    }

    /** Brings the database to the latest version; does nothing when it is there already. */
    public static MigrateResult migrate(String jdbcUrl, String user, String password) {
        return new Migrator(jdbcUrl, user, password).migrate();
    }

    /** @see #migrate(String, String, String) */
    public MigrateResult migrate() {
        adoptLegacyHistories();
        return flyway().migrate();
    }

    /** Every migration, applied or pending, in order. */
    public MigrationInfo[] info() {
        return flyway().info().all();
    }

    private FluentConfiguration configuration() {
        return Flyway.configure()
                .dataSource(jdbcUrl, user, password)
                .defaultSchema("public")
                .table(HISTORY_TABLE);
    }

    private Flyway flyway() {
        return configuration()
                .locations(SCHEMAS.stream().map(schema -> "classpath:db/migration/" + schema).toArray(String[]::new))
                // The schemas are created by the first migration of each folder, so an adopted database and a
                // fresh one take the same path.
                .createSchemas(false)
                .load();
    }

    private void adoptLegacyHistories() {
        // Flyway's data source, not DriverManager: under a test framework's class loaders DriverManager does not
        // see a driver registered from another loader.
        try (Connection connection = configuration().getDataSource().getConnection()) {
            // Pods that start together each run the migrator: one adopts, the others wait here and find the one
            // history (the lock goes with the connection). Flyway serialises the migrations themselves.
            try (Statement lock = connection.createStatement()) {
                lock.execute("SELECT pg_advisory_lock(" + ADOPTION_LOCK + ")");
            }
            if (exists(connection, "public." + HISTORY_TABLE)) {
                return;
            }
            Map<String, String> reached = new LinkedHashMap<>();
            for (String schema : LEGACY_HISTORIES.keySet()) {
                if (exists(connection, schema + "." + HISTORY_TABLE)) {
                    reached.put(schema, lastVersion(connection, schema));
                }
            }
            if (reached.isEmpty()) {
                return;
            }
            if (!reached.equals(LEGACY_HISTORIES)) {
                throw new IllegalStateException("This database was migrated by an earlier version of the platform (one"
                        + " migration history per service) and is not at the last versions of those histories: found "
                        + reached + ", adoptable only at " + LEGACY_HISTORIES + ". Local stack: ./platform down, delete"
                        + " the state directory's postgres folder (PJ_STATE_DIR, .local/dev by default) and start again;"
                        + " elsewhere, start the earlier version once so its services finish their migrations.");
            }
            configuration()
                    .baselineVersion(LEGACY_BASELINE)
                    .baselineDescription("adopted from the per-service histories")
                    .load()
                    .baseline();
            try (Statement statement = connection.createStatement()) {
                for (String schema : LEGACY_HISTORIES.keySet()) {
                    statement.execute("DROP TABLE " + schema + "." + HISTORY_TABLE);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the database's migration histories: " + e.getMessage(), e);
        }
    }

    private static boolean exists(Connection connection, String table) throws SQLException {
        try (var statement = connection.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            statement.setString(1, table);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getBoolean(1);
            }
        }
    }

    private static String lastVersion(Connection connection, String schema) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT version FROM " + schema + "." + HISTORY_TABLE
                        + " WHERE success AND version IS NOT NULL ORDER BY installed_rank DESC LIMIT 1")) {
            return rows.next() ? rows.getString(1) : "none";
        }
    }

    private static Map<String, String> legacyHistories() {
        Map<String, String> histories = new LinkedHashMap<>();
        histories.put("gateway", "8.2");
        histories.put("dispatch", "3");
        histories.put("knowledge", "2");
        return histories;
    }
}
