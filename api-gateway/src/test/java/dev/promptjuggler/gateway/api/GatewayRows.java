package dev.promptjuggler.gateway.api;

import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

/**
 * How many rows each table of the {@code gateway} schema holds: equal before and after = nothing changed.
 * The run outbox is left out: its rows go when the broker acknowledges a run accepted earlier, or when
 * the relay publishes one, whatever request is being made meanwhile (a run accepted by mistake still
 * shows in {@code runs}).
 */
final class GatewayRows {

    private static final Set<String> CHANGED_IN_THE_BACKGROUND = Set.of("run_outbox");

    private GatewayRows() {
    }

    static Map<String, Long> count(Pool pool) {
        List<String> tables = StreamSupport.stream(pool.query("SELECT table_name FROM information_schema.tables"
                                + " WHERE table_schema = 'gateway' AND table_type = 'BASE TABLE' ORDER BY table_name")
                        .execute().await().atMost(Duration.ofSeconds(10)).spliterator(), false)
                .map(row -> row.getString(0))
                .filter(table -> !CHANGED_IN_THE_BACKGROUND.contains(table))
                .toList();
        String counts = tables.stream()
                .map(table -> "(SELECT count(*) FROM gateway.\"" + table + "\")")
                .collect(Collectors.joining(", ", "SELECT ", ""));
        Row row = pool.query(counts).execute().await().atMost(Duration.ofSeconds(10)).iterator().next();
        Map<String, Long> byTable = new LinkedHashMap<>();
        for (int i = 0; i < tables.size(); i++) {
            byTable.put(tables.get(i), row.getLong(i));
        }
        return byTable;
    }
}
