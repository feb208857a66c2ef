package dev.promptjuggler.executor.scheduling;

import static dev.promptjuggler.contracts.Priority.LOW;
import static dev.promptjuggler.contracts.Priority.NORMAL;
import static dev.promptjuggler.contracts.Priority.ONSITE;
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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The scheduler against the real broker and database, two slots, and a provider that answers one request
 * at a time when the test says so. The start order is read from the runs' stored claim times.
 */
@QuarkusTest
@TestProfile(TwoSlots.class)
class PrioritySchedulingTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @Inject
    RunTopicsConsumer consumer;

    @Inject
    RunStarter starter;

    @Test
    void waitingOnsiteRunsStartBeforeNormalBeforeTheLowBacklogFetchedEarlier() {
        await().atMost(PATIENCE).until(consumer::assigned);
        var prompt = TestPlatform.prompt();
        try (var platform = new TestPlatform()) {
            List<UUID> low = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                low.add(platform.requestRun(prompt, LOW, HeldProvider.HOLD_MARKER + " low " + i));
            }
            // Two low runs hold the slots; the other four were fetched and wait.
            await().atMost(PATIENCE).until(() -> HeldProvider.held() == 2 && starter.waiting(LOW) == 4);

            List<UUID> normal = new ArrayList<>();
            List<UUID> onsite = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                normal.add(platform.requestRun(prompt, NORMAL, HeldProvider.HOLD_MARKER + " normal " + i));
            }
            for (int i = 0; i < 3; i++) {
                onsite.add(platform.requestRun(prompt, ONSITE, HeldProvider.HOLD_MARKER + " onsite " + i));
            }
            await().atMost(PATIENCE).until(() -> starter.waiting(NORMAL) == 3 && starter.waiting(ONSITE) == 3);

            // One answer at a time: each frees one slot, so each start is decided alone.
            int total = 12;
            for (int answered = 1; answered <= total; answered++) {
                HeldProvider.releaseOldest();
                int stillHeld = Math.min(2, total - answered);
                await().atMost(PATIENCE).until(() -> HeldProvider.held() == stillHeld);
            }
            List<UUID> all = new ArrayList<>(low);
            all.addAll(normal);
            all.addAll(onsite);
            await().atMost(PATIENCE).until(() -> all.stream().allMatch(run -> "completed".equals(TestPlatform.status(run))));

            List<UUID> started = all.stream().sorted(Comparator.comparing(TestPlatform::startedAt)).toList();
            Set<UUID> firstTwo = new HashSet<>(started.subList(0, 2));
            assertTrue(low.containsAll(firstTwo), "the low runs in flight before the burst started first");
            assertEquals(Set.copyOf(onsite), new HashSet<>(started.subList(2, 5)), "then every onsite run");
            assertEquals(Set.copyOf(normal), new HashSet<>(started.subList(5, 8)), "then every normal run");
            Set<UUID> waitingLow = new HashSet<>(low);
            waitingLow.removeAll(firstTwo);
            assertEquals(waitingLow, new HashSet<>(started.subList(8, 12)), "the waiting low runs last");
        }
    }
}
