package dev.promptjuggler.executor.scheduling;

import static dev.promptjuggler.contracts.Priority.LOW;
import static dev.promptjuggler.contracts.Priority.NORMAL;
import static dev.promptjuggler.contracts.Priority.ONSITE;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.promptjuggler.executor.support.HeldProvider;
import dev.promptjuggler.executor.support.ReservedOnsiteSlot;
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
 * Lower work never takes the slots reserved for onsite runs: with a low backlog holding every other slot, an
 * onsite run starts at once instead of waiting for a low run to end. Real broker and database.
 */
@QuarkusTest
@TestProfile(ReservedOnsiteSlot.class)
class OnsiteReserveTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @Inject
    RunTopicsConsumer consumer;

    @Inject
    RunStarter starter;

    @Test
    void anOnsiteRunTakesTheReservedSlotWhileLowerWorkHoldsAllOthers() {
        await().atMost(PATIENCE).until(consumer::assigned);
        var prompt = TestPlatform.prompt();
        try (var platform = new TestPlatform()) {
            List<UUID> low = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                low.add(platform.requestRun(prompt, LOW, HeldProvider.HOLD_MARKER + " low " + i));
            }
            UUID normal = platform.requestRun(prompt, NORMAL, HeldProvider.HOLD_MARKER + " normal");
            // Two of three slots: the third is onsite's.
            await().atMost(PATIENCE).until(() -> HeldProvider.held() == 2 && starter.waiting(LOW) == 2
                    && starter.waiting(NORMAL) == 1);
            assertNull(TestPlatform.startedAt(normal), "normal work does not take the reserved slot either");

            UUID onsite = platform.requestRun(prompt, ONSITE, HeldProvider.HOLD_MARKER + " onsite");
            await().atMost(PATIENCE).until(() -> TestPlatform.startedAt(onsite) != null);
            assertEquals(3, HeldProvider.held(), "the onsite run started without any lower run ending");
        } finally {
            HeldProvider.releaseAll();
        }
    }
}
