package dev.promptjuggler.executor.scheduling;

import static dev.promptjuggler.contracts.Priority.NORMAL;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.promptjuggler.executor.support.HeldProvider;
import dev.promptjuggler.executor.support.TestPlatform;
import dev.promptjuggler.executor.support.TwoSlots;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A stopping worker gives its runs in flight {@code executor.lease.drain} to finish, then releases the leases of
 * those still running: they expire at once instead of holding the run for a full lease, and the claim does not
 * count against {@code executor.max-claims}. The worker's own outcome, stored before another worker claims the
 * run, is still kept. The shutdown is the real observer, called directly, so the test needs no second process.
 */
@QuarkusTest
@TestProfile(ShutdownReleaseTest.ShortDrain.class)
class ShutdownReleaseTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    public static class ShortDrain extends TwoSlots {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> overrides = new HashMap<>(super.getConfigOverrides());
            overrides.put("executor.lease.drain", "1s");
            // No sweeper: the released run must stay where the release left it while the test reads it.
            overrides.put("executor.sweeper.every", "off");
            return overrides;
        }
    }

    @Inject
    RunTopicsConsumer consumer;

    @Inject
    RunStarter starter;

    @Test
    void aRunStillInFlightAfterTheDrainHasItsLeaseReleased() throws Exception {
        await().atMost(PATIENCE).until(consumer::assigned);
        var prompt = TestPlatform.prompt();
        try (var platform = new TestPlatform()) {
            UUID run = TestPlatform.storeRun(prompt, NORMAL, HeldProvider.HOLD_MARKER + " never answered in time");
            platform.publish(prompt, run, NORMAL);
            await().atMost(PATIENCE).until(() -> HeldProvider.held() == 1);

            starter.stop(null);

            Object[] lease = TestPlatform.query("SELECT status, attempts, lease_expires_at <= now() FROM gateway.runs_with_state"
                    + " WHERE id = ?", run).get(0);
            assertEquals("pending", lease[0]);
            assertEquals(0, ((Number) lease[1]).intValue(), "a released claim is not counted");
            assertTrue((Boolean) lease[2], "the lease expired when it was released");

            HeldProvider.releaseAll();
            await().atMost(PATIENCE).until(() -> "completed".equals(TestPlatform.status(run)));
        } finally {
            HeldProvider.releaseAll();
        }
    }
}
