package dev.promptjuggler.executor.scheduling;

import static dev.promptjuggler.contracts.Priority.LOW;
import static dev.promptjuggler.contracts.Priority.ONSITE;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.promptjuggler.executor.support.HeldProvider;
import dev.promptjuggler.executor.support.OnsiteHeadroom;
import dev.promptjuggler.executor.support.TestPlatform;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * While an onsite run is in flight, lower work holds at most its share of the slots (here 2 of 4), even with
 * slots free and low runs waiting; once no onsite run is about, the waiting low runs take every slot. Real
 * broker and database.
 */
@QuarkusTest
@TestProfile(OnsiteHeadroom.class)
class OnsiteHeadroomTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @Inject
    RunScheduler scheduler;

    @Test
    void lowerWorkIsCappedWhileAnOnsiteRunIsInFlightAndUncappedAfter() throws InterruptedException {
        await().atMost(PATIENCE).until(scheduler::assigned);
        var prompt = TestPlatform.prompt();
        try (var platform = new TestPlatform()) {
            UUID onsite = platform.requestRun(prompt, ONSITE, HeldProvider.HOLD_MARKER + " onsite");
            await().atMost(PATIENCE).until(() -> HeldProvider.held() == 1);
            assertNotNull(TestPlatform.startedAt(onsite));

            List<UUID> low = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                low.add(platform.requestRun(prompt, LOW, HeldProvider.HOLD_MARKER + " low " + i));
            }
            await().atMost(PATIENCE).until(() -> HeldProvider.held() == 3 && scheduler.waiting(LOW) == 2);
            // A slot is free, yet the two waiting low runs stay waiting while the onsite run is in flight.
            Thread.sleep(1_000);
            assertEquals(3, HeldProvider.held());
            assertEquals(2, scheduler.waiting(LOW));
            assertEquals(3, scheduler.inFlight());
            assertEquals(2, low.stream().filter(run -> TestPlatform.startedAt(run) != null).count(),
                    "two low runs started, two wait");

            HeldProvider.releaseOldest(); // the onsite run
            await().atMost(PATIENCE).until(() -> HeldProvider.held() == 4 && scheduler.waiting(LOW) == 0);
            low.forEach(run -> assertNotNull(TestPlatform.startedAt(run), "every low run started once the onsite one ended"));
        } finally {
            HeldProvider.releaseAll();
        }
    }
}
