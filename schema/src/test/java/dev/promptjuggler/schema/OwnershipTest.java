package dev.promptjuggler.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docs/architecture.md's ownership table against the code, at grep level: which service's {@code src/main} writes
 * each table (INSERT, UPDATE, DELETE, COPY, MERGE on {@code <schema>.<table>}), which tables the migrations leave,
 * and which schema folders exist. The doc names each table's writers; nothing else may write it.
 */
class OwnershipTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path MIGRATIONS = ROOT.resolve("schema/src/main/resources/db/migration");
    private static final List<String> SERVICES = List.of("api-gateway", "run-executor", "webhook-dispatcher",
            "knowledge-ingest", "provider-simulator");
    private static final String SCHEMAS = "gateway|executor|dispatch|knowledge";

    /** A write in SQL, after string concatenations are joined ({@code "... FROM" + " gateway.x"}). */
    private static final Pattern WRITE = Pattern.compile(
            "\\b(?:INSERT\\s+INTO|UPDATE|DELETE\\s+FROM|COPY|MERGE\\s+INTO)\\s+((?:" + SCHEMAS + ")\\.[a-z_]+)");
    private static final Pattern CONCATENATION = Pattern.compile("\"\\s*\\+\\s*\"");

    private static final Pattern CREATE = Pattern.compile("CREATE TABLE (?:IF NOT EXISTS )?((?:" + SCHEMAS + ")\\.[a-z_]+)");
    private static final Pattern RENAME = Pattern.compile("ALTER TABLE ((" + SCHEMAS + ")\\.[a-z_]+) RENAME TO ([a-z_]+)");
    private static final Pattern MOVE = Pattern.compile("ALTER TABLE (?:" + SCHEMAS + ")\\.([a-z_]+) SET SCHEMA ([a-z_]+)");
    private static final Pattern DROP = Pattern.compile("DROP TABLE (?:IF EXISTS )?((?:" + SCHEMAS + ")\\.[a-z_]+)");

    /** A row of the ownership table: {@code | `schema.table` | writers | readers |}. */
    private static final Pattern ROW = Pattern.compile("^\\| `((?:" + SCHEMAS + ")\\.[a-z_]+)` \\|([^|]*)\\|", Pattern.MULTILINE);

    @Test
    void everyTableIsWrittenOnlyByTheServicesTheDocNames() {
        Map<String, Set<String>> documented = documentedWriters();
        Map<String, Set<String>> found = writersInCode();
        List<String> violations = new ArrayList<>();
        found.forEach((table, writers) -> {
            Set<String> allowed = documented.getOrDefault(table, Set.of());
            for (String writer : writers) {
                if (!allowed.contains(writer)) {
                    violations.add(writer + " writes " + table + ", which docs/architecture.md gives to " + allowed);
                }
            }
        });
        documented.forEach((table, writers) -> {
            for (String writer : writers) {
                if (!found.getOrDefault(table, Set.of()).contains(writer)) {
                    violations.add("docs/architecture.md names " + writer + " as a writer of " + table + ", but its code"
                            + " does not write it");
                }
            }
        });
        assertTrue(violations.isEmpty(), String.join("\n", violations));
    }

    /**
     * A knowledge document is two rows, one per owner (the gateway's upload, knowledge-ingest's processing state),
     * so neither service writes the other's schema; the doc's table could grant that back, this test cannot.
     */
    @Test
    void theGatewayAndKnowledgeIngestWriteNothingOfEachOther() {
        Map<String, Set<String>> found = writersInCode();
        List<String> crossings = new ArrayList<>();
        found.forEach((table, writers) -> {
            if (table.startsWith("knowledge.") && writers.contains("api-gateway")) {
                crossings.add("api-gateway writes " + table);
            }
            if (table.startsWith("gateway.") && writers.contains("knowledge-ingest")) {
                crossings.add("knowledge-ingest writes " + table);
            }
        });
        assertEquals(List.of(), crossings);
        assertTrue(found.getOrDefault("knowledge.document_states", Set.of()).contains("knowledge-ingest"),
                "the grep sees knowledge-ingest's writes");
    }

    @Test
    void runExecutorWritesOnlyItsOwnSchema() {
        List<String> foreign = writersInCode().entrySet().stream()
                .filter(table -> table.getValue().contains("run-executor") && !table.getKey().startsWith("executor."))
                .map(Map.Entry::getKey)
                .toList();
        assertEquals(List.of(), foreign, "tables outside the executor schema that run-executor's code writes");
    }

    @Test
    void theDocListsExactlyTheTablesTheMigrationsLeave() {
        assertEquals(migratedTables(), documentedWriters().keySet());
    }

    @Test
    void theDocNamesEverySchemaFolder() throws IOException {
        String doc = Files.readString(ROOT.resolve("docs/architecture.md"));
        try (Stream<Path> folders = Files.list(MIGRATIONS)) {
            Set<String> schemas = folders.map(folder -> folder.getFileName().toString()).collect(Collectors.toSet());
            assertEquals(Set.copyOf(Migrator.SCHEMAS), schemas, "every folder is one the migrator reads");
            for (String schema : schemas) {
                assertTrue(doc.contains("`" + schema + "/`"), "docs/architecture.md names the folder " + schema + "/");
            }
        }
    }

    private static Map<String, Set<String>> documentedWriters() {
        try {
            String doc = Files.readString(ROOT.resolve("docs/architecture.md"));
            Map<String, Set<String>> writers = new TreeMap<>();
            Matcher row = ROW.matcher(doc);
            while (row.find()) {
                Set<String> services = new TreeSet<>();
                for (String service : SERVICES) {
                    if (row.group(2).contains(service)) {
                        services.add(service);
                    }
                }
                assertFalse(services.isEmpty(), "the ownership table names no writer of " + row.group(1));
                writers.put(row.group(1), services);
            }
            assertFalse(writers.isEmpty(), "docs/architecture.md has an ownership table");
            return writers;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, Set<String>> writersInCode() {
        Map<String, Set<String>> writers = new TreeMap<>();
        for (String service : SERVICES) {
            try (Stream<Path> files = Files.walk(ROOT.resolve(service).resolve("src/main"))) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    String code = CONCATENATION.matcher(Files.readString(file)).replaceAll("");
                    Matcher write = WRITE.matcher(code);
                    while (write.find()) {
                        writers.computeIfAbsent(write.group(1), table -> new TreeSet<>()).add(service);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return writers;
    }

    /** The tables that exist after every migration ran, replayed from the SQL in version order. */
    private static Set<String> migratedTables() {
        Set<String> tables = new TreeSet<>();
        for (String sql : migrationTexts()) {
            for (String statement : sql.split(";")) {
                Matcher create = CREATE.matcher(statement);
                Matcher rename = RENAME.matcher(statement);
                Matcher move = MOVE.matcher(statement);
                Matcher drop = DROP.matcher(statement);
                if (create.find()) {
                    tables.add(create.group(1));
                } else if (rename.find()) {
                    tables.remove(rename.group(1));
                    tables.add(rename.group(2) + "." + rename.group(3));
                } else if (move.find()) {
                    tables.removeIf(table -> table.endsWith("." + move.group(1)));
                    tables.add(move.group(2) + "." + move.group(1));
                } else if (drop.find()) {
                    tables.remove(drop.group(1));
                }
            }
        }
        return tables;
    }

    /** Every migration's SQL without comments, in version order. */
    private static List<String> migrationTexts() {
        try (Stream<Path> files = Files.walk(MIGRATIONS)) {
            Map<List<Integer>, String> byVersion = new TreeMap<>(OwnershipTest::compareVersions);
            for (Path file : files.filter(path -> path.toString().endsWith(".sql")).toList()) {
                String name = file.getFileName().toString();
                List<Integer> version = Stream.of(name.substring(1, name.indexOf("__")).split("_"))
                        .map(Integer::valueOf).toList();
                byVersion.put(version, Files.readString(file).replaceAll("--[^\\n]*", ""));
            }
            return List.copyOf(byVersion.values());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int compareVersions(List<Integer> a, List<Integer> b) {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            int order = Integer.compare(a.get(i), b.get(i));
            if (order != 0) {
                return order;
            }
        }
        return Integer.compare(a.size(), b.size());
    }
}
