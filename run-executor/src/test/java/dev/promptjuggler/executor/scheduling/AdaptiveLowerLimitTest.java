package dev.promptjuggler.executor.scheduling;

import static dev.promptjuggler.contracts.Priority.LOW;
import static dev.promptjuggler.contracts.Priority.ONSITE;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.promptjuggler.executor.support.HeldProvider;
import dev.promptjuggler.executor.support.OnsiteAlwaysLate;
import dev.promptjuggler.executor.support.Scrape;
import dev.promptjuggler.executor.support.TestPlatform;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The adaptive limit on lower work end to end, as an operator sees it on {@code /q/metrics}: an onsite run that
 * waited longer than the target halves the slots normal and low runs may hold while onsite runs are about, and
 * the cap lifts once none is, though the onsite run is still in flight. Real broker and database; every onsite run is late here (OnsiteAlwaysLate), so the
 * cut is certain. How the limit moves in every other case is SlotAdmissionTest's.
 */
@QuarkusTest
@TestProfile(OnsiteAlwaysLate.class)
class AdaptiveLowerLimitTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @Inject
    RunTopicsConsumer consumer;

    @Inject
    RunStarter starter;

    @Test
    void aLateOnsiteRunHalvesLowerWorksSlotsUntilNoOnsiteRunIsAbout() {
        await().atMost(PATIENCE).until(consumer::assigned);
        var prompt = TestPlatform.prompt();
        try (var platform = new TestPlatform()) {
            List<UUID> low = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                low.add(platform.requestRun(prompt, LOW, HeldProvider.HOLD_MARKER + " low " + i));
            }
            await().atMost(PATIENCE).until(() -> HeldProvider.held() == 2 && starter.waiting(LOW) == 2);
            assertEquals(2, lowerLimit(), "no onsite run about: every slot but the onsite reserve");

            UUID onsite = platform.requestRun(prompt, ONSITE, HeldProvider.HOLD_MARKER + " onsite");
            // It starts in the reserved slot: the oldest two answers held are the low runs'.
            await().atMost(PATIENCE).until(() -> TestPlatform.startedAt(onsite) != null && HeldProvider.held() == 3);
            Instant onsiteStarted = Instant.now();
            await().atMost(PATIENCE).until(() -> lowerLimit() == 1);

            // Both low runs end: of the two free slots, lower work takes one while the onsite run is about.
            HeldProvider.releaseOldest();
            HeldProvider.releaseOldest();
            await().atMost(PATIENCE).until(() -> "completed".equals(TestPlatform.status(low.get(0)))
                    && "completed".equals(TestPlatform.status(low.get(1))));
            await().atMost(PATIENCE).until(() -> HeldProvider.held() == 2 && starter.waiting(LOW) == 1);
            assertEquals(1, lowerLimit());
            assertTrue(Duration.between(onsiteStarted, Instant.now()).toSeconds() < OnsiteAlwaysLate.ONSITE_ABOUT_SECONDS,
                    "the steps above ran while the onsite run was about");

            // No onsite run started since: the cap lifts while the onsite run is still in flight, the last low run starts.
            await().atMost(PATIENCE).until(() -> starter.waiting(LOW) == 0 && HeldProvider.held() == 3);
            assertEquals(2, lowerLimit());
            assertEquals("pending", TestPlatform.status(onsite), "the onsite run has not ended: it still holds its slot");
        } finally {
            HeldProvider.releaseAll();
        }
    }

    private static int lowerLimit() {
        return (int) Scrape.now().value("executor_scheduling_lower_limit", Map.of());
    }
}
