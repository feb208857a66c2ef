package dev.promptjuggler.gateway.api;

import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

/** How many rows each table of the {@code gateway} schema holds: equal before and after = nothing changed. */
final class GatewayRows {

    private GatewayRows() {
    }

    static Map<String, Long> count(Pool pool) {
        List<String> tables = StreamSupport.stream(pool.query("SELECT table_name FROM information_schema.tables"
                                + " WHERE table_schema = 'gateway' AND table_type = 'BASE TABLE' ORDER BY table_name")
                        .execute().await().atMost(Duration.ofSeconds(10)).spliterator(), false)
                .map(row -> row.getString(0))
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
