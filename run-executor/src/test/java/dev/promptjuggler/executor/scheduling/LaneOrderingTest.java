package dev.promptjuggler.executor.scheduling;

import static dev.promptjuggler.contracts.Priority.LOW;
import static dev.promptjuggler.contracts.Priority.ONSITE;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.promptjuggler.executor.support.HeldProvider;
import dev.promptjuggler.executor.support.TestPlatform;
import dev.promptjuggler.executor.support.TwoSlots;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
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
}
