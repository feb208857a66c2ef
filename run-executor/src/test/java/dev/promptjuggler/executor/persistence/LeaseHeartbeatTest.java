package dev.promptjuggler.executor.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.promptjuggler.contracts.Priority;
import dev.promptjuggler.executor.scheduling.WorkerId;
import dev.promptjuggler.executor.support.TestPlatform;
import dev.promptjuggler.executor.support.TwoSlots;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The lease heartbeat never waits for a row another transaction holds (so it cannot deadlock with the notice mark or
 * an outcome): it extends the other leases at once and passes that one over.
 */
@QuarkusTest
@TestProfile(TwoSlots.class)
class LeaseHeartbeatTest {

    @Inject
    RunLeaseStore leases;

    @Inject
    WorkerId worker;

    @Test
    void aHeartbeatPassesOverARunWhoseRowAnotherTransactionHoldsInsteadOfWaitingForIt() throws Exception {
        var prompt = TestPlatform.prompt();
        UUID held = TestPlatform.storeRun(prompt, Priority.NORMAL, "held");
        UUID free = TestPlatform.storeRun(prompt, Priority.NORMAL, "free");
        for (UUID run : List.of(held, free)) {
            TestPlatform.update("INSERT INTO executor.run_states (run_id, lease_owner, lease_expires_at, attempts, started_at)"
                    + " VALUES (?, ?, now() + interval '5 seconds', 1, now())", run, worker.value());
        }
        try (Connection other = TestPlatform.database()) {
            other.setAutoCommit(false);
            try (PreparedStatement lock = other.prepareStatement(
                    "SELECT 1 FROM executor.run_states WHERE run_id = ? FOR UPDATE")) {
                lock.setObject(1, held);
                lock.executeQuery();
            }

            List<UUID> cancelled = leases.heartbeat(List.of(held, free)).await().atMost(Duration.ofSeconds(5));

            assertEquals(List.of(), cancelled);
            other.rollback();
        } finally {
            // Ended, so that no sweeper takes them up after the test.
            TestPlatform.update("UPDATE executor.run_states SET status = 'failed', finished_at = now(), notified_at = now()"
                    + " WHERE run_id IN (?, ?)", held, free);
        }
        assertTrue(leaseSecondsLeft(free) > 20, "the free run's lease was extended to the full lease (30 s)");
        assertTrue(leaseSecondsLeft(held) <= 5, "the held run's lease was left as it was");
    }

    private static double leaseSecondsLeft(UUID run) {
        return ((Number) TestPlatform.query("SELECT extract(epoch FROM lease_expires_at - now())"
                + " FROM executor.run_states WHERE run_id = ?", run).get(0)[0]).doubleValue();
    }
}
