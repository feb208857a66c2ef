package dev.promptjuggler.executor.scheduling;

import static dev.promptjuggler.contracts.Priority.LOW;
import static dev.promptjuggler.contracts.Priority.ONSITE;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.promptjuggler.contracts.RunStatus;
import dev.promptjuggler.executor.persistence.RunStore;
import dev.promptjuggler.executor.support.HeldProvider;
import dev.promptjuggler.executor.support.TestPlatform;
import dev.promptjuggler.executor.support.TwoSlots;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Two runs on the same thread and channel execute in the order the gateway accepted them, whatever their
 * priority; another channel of the same thread is a lane of its own. Real broker and database; the
 * provider answers when the test says.
 */
@QuarkusTest
@TestProfile(TwoSlots.class)
class LaneOrderingTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @Inject
    RunTopicsConsumer consumer;

    @Inject
    RunStarter starter;

    @Inject
    RunStore runs;

    @Inject
    WorkerId worker;

    @Test
    void aLaterRunOfTheSameLaneWaitsForTheEarlierOneEvenWhenItIsMoreUrgent() {
        await().atMost(PATIENCE).until(consumer::assigned);
        var prompt = TestPlatform.prompt();
        UUID thread = TestPlatform.thread(prompt);
        try (var platform = new TestPlatform()) {
            UUID first = TestPlatform.storeRun(prompt, LOW, HeldProvider.HOLD_MARKER + " first", thread, "default");
            UUID second = TestPlatform.storeRun(prompt, ONSITE, HeldProvider.HOLD_MARKER + " second", thread, "default");
            UUID otherChannel = TestPlatform.storeRun(prompt, LOW, HeldProvider.HOLD_MARKER + " side", thread, "side");

            platform.publish(prompt, first, LOW);
            await().atMost(PATIENCE).until(() -> HeldProvider.held() == 1);
            platform.publish(prompt, second, ONSITE);
            platform.publish(prompt, otherChannel, LOW);

            // The other channel takes the free slot; the onsite run of the first lane does not start.
            await().atMost(PATIENCE).until(() -> HeldProvider.held() == 2 && TestPlatform.startedAt(otherChannel) != null);
            assertNull(TestPlatform.startedAt(second), "the later run of the lane must not start before the earlier ends");
            assertEquals(2, starter.inFlight(), "a waiting run holds no slot");

            HeldProvider.releaseOldest();
            await().atMost(PATIENCE).until(() -> "completed".equals(TestPlatform.status(first)));
            // The finished run hands the next run of its lane on, without waiting for the sweeper.
            await().atMost(PATIENCE).until(() -> TestPlatform.startedAt(second) != null);
            assertTrue(TestPlatform.startedAt(second).isAfter(TestPlatform.finishedAt(first)),
                    "the later run started after the earlier one finished");

            HeldProvider.releaseAll();
            await().atMost(PATIENCE).until(() -> List.of(first, second, otherChannel).stream()
                    .allMatch(run -> "completed".equals(TestPlatform.status(run))));
        } finally {
            HeldProvider.releaseAll();
        }
    }

    /**
     * A run accepted while its predecessor's outcome was being written: the outcome statement cannot see it, and
     * its claim, made before that statement committed, found the predecessor pending. The mark after the notice
     * reads the lane afresh and names it, so it is handed on at once rather than after the sweeper's
     * {@code unclaimed-after} (five minutes). Here it is accepted between the outcome and the mark.
     */
    @Test
    void aRunAcceptedWhileItsPredecessorsOutcomeWasWrittenIsHandedOn() {
        var prompt = TestPlatform.prompt();
        UUID thread = TestPlatform.thread(prompt);
        UUID earlier = TestPlatform.storeRun(prompt, LOW, "earlier", thread, "default");
        // Claimed by this worker, as its claim leaves it.
        TestPlatform.update("INSERT INTO executor.run_states (run_id, lease_owner, lease_expires_at, attempts,"
                + " started_at) VALUES (?, ?, now() + interval '1 minute', 1, now())", earlier, worker.value());
        var outcome = new RunStore.Outcome(RunStatus.COMPLETED, "done", null, null, null, List.of(), List.of(),
                List.of());
        assertTrue(runs.finish(earlier, outcome).await().atMost(PATIENCE).isPresent(), "the outcome is stored");

        UUID later = TestPlatform.storeRun(prompt, ONSITE, "later", thread, "default");
        UUID otherLane = TestPlatform.storeRun(prompt, LOW, "other lane", thread, "side");

        var successor = runs.markNotified(earlier).await().atMost(PATIENCE);
        assertEquals(later, successor.map(next -> next.event().runId()).orElse(null),
                "the next run of the lane, accepted after the outcome, is named for its hand-on");
        assertEquals(ONSITE, successor.get().event().priority());
        assertEquals(1, TestPlatform.query(
                "SELECT 1 FROM executor.run_states WHERE run_id = ? AND notified_at IS NOT NULL", earlier).size(),
                "the notice is marked");
        assertEquals(Optional.empty(), runs.markNotified(otherLane).await().atMost(PATIENCE),
                "a run never finished marks nothing and names nothing");
    }
}
