package dev.promptjuggler.executor.scheduling;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.promptjuggler.contracts.Priority;
import dev.promptjuggler.executor.metrics.ExecutorMetrics.Pruned;
import dev.promptjuggler.executor.support.TestPlatform;
import dev.promptjuggler.executor.support.TwoSlots;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * run-executor's part of retention, on rows seeded as old (their times moved into the past): memory older than the
 * tenant's days goes; recent memory and other tenants' memory stay. (A pruned run's state and node results go with
 * the run, in api-gateway's retention: its RetentionTest.)
 */
@QuarkusTest
@TestProfile(TwoSlots.class)
class RetentionPrunerTest {

    @Inject
    RetentionPruner pruner;

    @Inject
    MeterRegistry registry;

    @Test
    void oldMemoryGoesTheRestStays() {
        var keeping = TestPlatform.prompt();
        var forever = TestPlatform.prompt();
        TestPlatform.update("UPDATE gateway.tenants SET retention_days = CASE WHEN id = ? THEN 30 END", keeping.tenantId());

        UUID thread = TestPlatform.thread(keeping);
        UUID kept = TestPlatform.storeRun(keeping, Priority.NORMAL, "kept", thread, "default");
        remember(thread, kept, "old question", 40);
        remember(thread, kept, "old answer", 40);
        remember(thread, kept, "new question", 0);
        UUID othersThread = TestPlatform.thread(forever);
        UUID othersRun = TestPlatform.storeRun(forever, Priority.NORMAL, "theirs", othersThread, "default");
        remember(othersThread, othersRun, "their old question", 40);
        Map<Pruned, Double> before = counters();

        Map<Pruned, Integer> pruned = pruner.prune().await().atMost(Duration.ofSeconds(30));

        assertEquals(Map.of(Pruned.MEMORY, 2), pruned);
        Map<Pruned, Double> after = counters();
        for (Pruned kind : Pruned.values()) {
            assertEquals(pruned.get(kind).doubleValue(), after.get(kind) - before.get(kind), kind + " counter");
        }
        assertEquals(1L, count("SELECT count(*) FROM executor.thread_messages WHERE thread_id = ?", thread));
        assertEquals(1L, count("SELECT count(*) FROM executor.thread_messages WHERE thread_id = ?", othersThread));

        assertEquals(Map.of(), pruner.prune().await().atMost(Duration.ofSeconds(30)), "nothing is left to prune");
    }

    private static void remember(UUID thread, UUID run, String content, int daysAgo) {
        TestPlatform.update("INSERT INTO executor.thread_messages (thread_id, channel, run_id, role, content, created_at)"
                + " VALUES (?, 'default', ?, 'user', ?, now() - make_interval(days => ?))", thread, run, content, daysAgo);
    }

    private static long count(String query, UUID id) {
        return ((Number) TestPlatform.query(query, id).get(0)[0]).longValue();
    }

    private Map<Pruned, Double> counters() {
        Map<Pruned, Double> values = new EnumMap<>(Pruned.class);
        for (Pruned kind : Pruned.values()) {
            values.put(kind, registry.get("executor.pruned").tag("kind", kind.name().toLowerCase()).counter().count());
        }
        return values;
    }
}
