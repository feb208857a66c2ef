package dev.promptjuggler.executor.scheduling;

import static dev.promptjuggler.contracts.Priority.LOW;
import static dev.promptjuggler.contracts.Priority.NORMAL;
import static dev.promptjuggler.contracts.Priority.ONSITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.promptjuggler.contracts.Priority;
import dev.promptjuggler.executor.scheduling.SlotAdmission.Claim;
import dev.promptjuggler.executor.scheduling.SlotAdmission.Limits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The admission policy alone: runs are names, a claim statement completes when the test says, a run ends when
 * the test says, and time passes when the test says. Every decision the scheduler takes on slots is one
 * {@link SlotAdmission#admit()} here.
 */
class SlotAdmissionTest {

    private final AtomicLong nanoClock = new AtomicLong();

    private static final int NO_AGING = 1000;
    /** The onsite wait the adaptive limit keeps to; the tests say how long each onsite run waited. */
    private static final Duration TARGET = Duration.ofMillis(20);
    private static final Duration SLOW = Duration.ofMillis(30);
    private static final Duration FAST = Duration.ofMillis(5);
    /** How long after an onsite run started onsite runs count as about. */
    private static final Duration ABOUT = Duration.ofSeconds(10);

    @Test
    void freedSlotsGoToWaitingOnsiteRunsThenNormalThenTheLowBacklogFetchedEarlier() {
        var admission = admission(new Limits(2, 1, 0, 1.0, NO_AGING, TARGET, ABOUT));
        for (int i = 0; i < 6; i++) {
            admission.add(LOW, "low-" + i);
        }
        List<String> started = startAll(admission);
        assertEquals(List.of("low-0", "low-1"), started, "two slots");
        for (int i = 0; i < 3; i++) {
            admission.add(NORMAL, "normal-" + i);
        }
        for (int i = 0; i < 3; i++) {
            admission.add(ONSITE, "onsite-" + i);
        }
        assertTrue(admission.admit().isEmpty(), "no slot is free");

        // One run ends at a time: each freed slot is decided alone.
        List<String> order = new ArrayList<>();
        Priority ending = LOW;
        for (int i = 0; i < 10; i++) {
            admission.ended(ending);
            List<String> next = startAll(admission);
            assertEquals(1, next.size(), "one slot, one start");
            order.addAll(next);
            ending = priority(next.get(0));
        }
        assertEquals(List.of("onsite-0", "onsite-1", "onsite-2", "normal-0", "normal-1", "normal-2",
                "low-2", "low-3", "low-4", "low-5"), order);
    }

    @Test
    void lowerWorkNeverTakesTheOnsiteReserve() {
        var admission = admission(new Limits(3, 10, 1, 1.0, NO_AGING, TARGET, ABOUT));
        for (int i = 0; i < 4; i++) {
            admission.add(LOW, "low-" + i);
        }
        admission.add(NORMAL, "normal");

        assertEquals(List.of("normal", "low-0"), startAll(admission), "two of three slots; the third is onsite's");
        assertTrue(admission.admit().isEmpty(), "normal and low work wait although a slot is free");
        assertEquals(2, admission.inFlight());

        admission.add(ONSITE, "onsite");
        assertEquals(List.of("onsite"), startAll(admission), "the onsite run starts without any lower run ending");
        assertEquals(3, admission.inFlight());
    }

    @Test
    void aReserveOfEverySlotStillLeavesLowerWorkOne() {
        var admission = admission(new Limits(2, 10, 5, 1.0, NO_AGING, TARGET, ABOUT));
        admission.add(LOW, "low-0");
        admission.add(LOW, "low-1");

        assertEquals(List.of("low-0"), startAll(admission));
        assertTrue(admission.admit().isEmpty());
    }

    @Test
    void forAWhileAfterAnOnsiteRunStartedLowerWorkHoldsAtMostItsShareAndThenAllSlots() {
        var admission = admission(new Limits(5, 10, 0, 0.4, NO_AGING, TARGET, ABOUT));
        admission.add(ONSITE, "onsite");
        assertEquals(List.of("onsite"), startAll(admission));
        for (int i = 0; i < 4; i++) {
            admission.add(LOW, "low-" + i);
        }

        assertEquals(List.of("low-0", "low-1"), startAll(admission), "two fifths of the five slots");
        elapse(ABOUT.minusMillis(1));
        assertTrue(admission.admit().isEmpty(), "slots are free, yet the low runs wait: an onsite run just started");
        assertEquals(3, admission.inFlight());
        assertEquals(2, admission.waiting(LOW));

        elapse(Duration.ofMillis(1));
        assertEquals(List.of("low-2", "low-3"), startAll(admission),
                "no onsite run started for a while: no cap, though the onsite run is still in flight");
        assertEquals(5, admission.inFlight());
    }

    @Test
    void aWaitingOnsiteRunCapsLowerWorkToo() {
        var admission = admission(new Limits(4, 1, 0, 0.25, NO_AGING, TARGET, ABOUT));
        admission.add(LOW, "low-0");
        admission.add(LOW, "low-1");
        admission.add(LOW, "low-2");
        admission.add(ONSITE, "onsite");

        // Statements of one run each: onsite first, then one low run (a quarter of four), and the rest waits.
        assertEquals(List.of("onsite", "low-0"), startAll(admission));
        assertTrue(admission.admit().isEmpty());
    }

    @Test
    void aClaimHoldsRunsOfOnePriorityAndAtMostClaimBatchOfThemTwoClaimsAtATime() {
        var admission = admission(new Limits(100, 3, 0, 1.0, NO_AGING, TARGET, ABOUT));
        for (int i = 0; i < 5; i++) {
            admission.add(LOW, "low-" + i);
        }
        admission.add(NORMAL, "normal-0");
        admission.add(NORMAL, "normal-1");

        List<Claim<String>> claims = admission.admit();
        assertEquals(2, claims.size());
        assertEquals(new Claim<>(NORMAL, List.of("normal-0", "normal-1"), false), claims.get(0));
        assertEquals(new Claim<>(LOW, List.of("low-0", "low-1", "low-2"), false), claims.get(1));
        assertTrue(admission.admit().isEmpty(), "both claim statements are busy");

        admission.claimed(claims.get(0), 2);
        assertEquals(List.of(new Claim<>(LOW, List.of("low-3", "low-4"), false)), admission.admit());
    }

    @Test
    void anOnsiteRunArrivingWhileBothClaimsAreBusyGetsAClaimOfItsOwnButOnlyOne() {
        var admission = admission(new Limits(100, 3, 0, 1.0, NO_AGING, TARGET, ABOUT));
        for (int i = 0; i < 6; i++) {
            admission.add(LOW, "low-" + i);
        }
        List<Claim<String>> lower = admission.admit();
        assertEquals(2, lower.size());

        admission.add(ONSITE, "onsite-0");
        admission.add(ONSITE, "onsite-1");
        List<Claim<String>> express = admission.admit();
        assertEquals(List.of(new Claim<>(ONSITE, List.of("onsite-0", "onsite-1"), true)), express);

        admission.add(ONSITE, "onsite-2");
        assertTrue(admission.admit().isEmpty(), "the onsite claim is busy too");
        admission.claimed(express.get(0), 2);
        assertEquals(List.of(new Claim<>(ONSITE, List.of("onsite-2"), true)), admission.admit());
        assertEquals(9, admission.inFlight());
    }

    @Test
    void runsAClaimDidNotStartGiveTheirSlotsBack() {
        var admission = admission(new Limits(2, 1, 0, 1.0, NO_AGING, TARGET, ABOUT));
        admission.add(LOW, "low-0");
        admission.add(LOW, "low-1");
        admission.add(LOW, "low-2");
        List<Claim<String>> claims = admission.admit();
        admission.claimed(claims.get(1), 1);

        admission.claimed(claims.get(0), 0); // finished already, or held by another worker
        assertEquals(1, admission.inFlight());
        assertEquals(List.of("low-2"), names(admission.admit()));
    }

    @Test
    void agingBypassesLetsAWaitingLowRunPassAfterThatManyHigherStarts() {
        var admission = admission(new Limits(1, 1, 0, 1.0, 2, TARGET, ABOUT));
        admission.add(LOW, "low");
        for (int i = 0; i < 4; i++) {
            admission.add(ONSITE, "onsite-" + i);
        }
        List<String> order = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            List<String> next = startAll(admission);
            order.addAll(next);
            admission.ended(priority(next.get(0)));
        }
        assertEquals(List.of("onsite-0", "onsite-1", "low", "onsite-2", "onsite-3"), order);
    }

    @Test
    void droppedRunsNoLongerWait() {
        var admission = admission(new Limits(1, 1, 0, 1.0, NO_AGING, TARGET, ABOUT));
        admission.add(NORMAL, "normal-0");
        admission.add(NORMAL, "normal-1");
        admission.removeIf(run -> run.equals("normal-0"));

        assertEquals(1, admission.waiting(NORMAL));
        assertEquals(List.of("normal-1"), startAll(admission));
    }

    @Test
    void theLowerShareIsAboveZeroAndAtMostOne() {
        assertThrows(IllegalArgumentException.class, () -> new Limits(4, 1, 0, 0.0, NO_AGING, TARGET, ABOUT));
        assertThrows(IllegalArgumentException.class, () -> new Limits(4, 1, 0, 1.5, NO_AGING, TARGET, ABOUT));
    }

    @Test
    void anOnsiteRunThatWaitedLongerThanTheTargetHalvesWhatLowerWorkMayHold() {
        var admission = admission(new Limits(20, 20, 0, 1.0, NO_AGING, TARGET, ABOUT));
        admission.add(ONSITE, "onsite");
        addLow(admission, 40);
        assertEquals(20, startAll(admission).size(), "the onsite run and 19 low runs");

        admission.onsiteWaited(SLOW);
        assertEquals(9, admission.lowerWorkLimit(), "half of the 19 slots lower work held");
        for (int i = 0; i < 10; i++) {
            admission.ended(LOW);
            assertTrue(admission.admit().isEmpty(), "freed slots stay free while lower work holds more than 9");
        }
        admission.ended(LOW);
        assertEquals(List.of("low-19"), startAll(admission), "below 9, low work starts again");
        assertEquals(10, admission.inFlight());
    }

    @Test
    void aCutTakesEffectBeforeAnotherSlowOnsiteRunCutsAgain() {
        var admission = admission(new Limits(20, 20, 0, 1.0, NO_AGING, TARGET, ABOUT));
        admission.add(ONSITE, "onsite");
        addLow(admission, 40);
        startAll(admission);
        admission.onsiteWaited(SLOW);

        admission.onsiteWaited(SLOW);
        admission.onsiteWaited(SLOW);
        assertEquals(9, admission.lowerWorkLimit(), "lower work still holds 19: those onsite runs waited behind them");
        for (int i = 0; i < 10; i++) {
            admission.ended(LOW);
        }
        admission.onsiteWaited(SLOW);
        assertEquals(4, admission.lowerWorkLimit(), "down to 9, a slow onsite run cuts again");
    }

    @Test
    void onsiteRunsWithinTheTargetGiveLowerWorkASlotBackForEveryLimitsWorthOfThem() {
        var admission = cutOnceAndDrained();
        assertTrue(startAll(admission).isEmpty());

        // The limit is 9: each onsite run in time adds 1/9 of a slot (1/9.1 the next, ...), so the tenth adds it.
        List<Integer> startedAfter = new ArrayList<>();
        List<String> started = new ArrayList<>();
        for (int run = 1; run <= 25; run++) {
            admission.onsiteWaited(FAST);
            List<String> now = startAll(admission);
            if (!now.isEmpty()) {
                startedAfter.add(run);
                started.addAll(now);
            }
        }
        assertEquals(List.of("low-19", "low-20"), started, "one more low run at a time");
        assertEquals(List.of(10, 20), startedAfter, "after about a limit's worth of onsite runs in time, each");
        assertEquals(11, admission.lowerWorkLimit());
    }

    @Test
    void aLimitLowerWorkDoesNotFillIsNotRaisedAndACutStartsFromWhatLowerWorkHolds() {
        var admission = admission(new Limits(20, 20, 0, 1.0, NO_AGING, TARGET, ABOUT));
        admission.add(ONSITE, "onsite");
        addLow(admission, 4);
        assertEquals(5, startAll(admission).size());

        admission.onsiteWaited(FAST);
        assertEquals(20, admission.lowerWorkLimit(), "no low run waits: nothing to raise it for");
        admission.onsiteWaited(SLOW);
        assertEquals(2, admission.lowerWorkLimit(), "half of the 4 slots lower work held, not of the 20 it may");
    }

    @Test
    void theFloorKeepsLowerWorkProgressingHoweverSlowOnsiteRunsAre() {
        // One in a hundred of the 400 slots stays lower work's.
        var admission = admission(new Limits(400, 400, 0, 1.0, NO_AGING, TARGET, ABOUT));
        admission.add(ONSITE, "onsite");
        addLow(admission, 1000);
        startUntilFull(admission);
        for (int cut = 0; cut < 10; cut++) {
            admission.onsiteWaited(SLOW);
            while (admission.inFlight() - 1 > admission.lowerWorkLimit()) {
                admission.ended(LOW);
            }
        }
        assertEquals(4, admission.lowerWorkLimit());

        admission.ended(LOW);
        assertEquals(1, startAll(admission).size(), "a low run still starts in a freed slot");
    }

    @Test
    void withoutOnsiteRunsAboutThereIsNoCapAndTheLearnedLimitReturnsWithThem() {
        var admission = cutOnceAndDrained();

        admission.ended(ONSITE);
        elapse(ABOUT);
        assertEquals(20, admission.lowerWorkLimit());
        assertEquals(11, startAll(admission).size(), "every slot goes to low work again");

        admission.add(ONSITE, "onsite-again");
        assertEquals(9, admission.lowerWorkLimit(), "an onsite run waiting: the limit learned before");
    }

    @Test
    void longOnsiteRunsStillInFlightDoNotKeepLowerWorkAtItsFloor() {
        // A restarted worker takes a burst of held runs: 30 onsite runs that waited long, then lower work.
        var admission = admission(new Limits(100, 100, 0, 1.0, NO_AGING, TARGET, ABOUT));
        for (int i = 0; i < 30; i++) {
            admission.add(ONSITE, "onsite-" + i);
        }
        addLow(admission, 200);
        startUntilFull(admission);
        assertEquals(100, admission.inFlight());
        for (int cut = 0; cut < 10; cut++) {
            admission.onsiteWaited(SLOW);
            while (admission.inFlight() - 30 > admission.lowerWorkLimit()) {
                admission.ended(LOW);
            }
        }
        assertEquals(1, admission.lowerWorkLimit(), "at the floor: one in a hundred of the slots");
        assertTrue(admission.admit().isEmpty());

        elapse(ABOUT);
        startUntilFull(admission);
        assertEquals(100, admission.inFlight(), "every slot the onsite runs do not hold goes to lower work");
    }

    @Test
    void theFixedShareStillBoundsTheAdaptiveLimit() {
        var admission = admission(new Limits(20, 20, 0, 0.25, NO_AGING, TARGET, ABOUT));
        admission.add(ONSITE, "onsite");
        addLow(admission, 40);
        assertEquals(6, startAll(admission).size(), "the onsite run and a quarter of the slots");

        for (int i = 0; i < 30; i++) {
            admission.onsiteWaited(FAST);
        }
        assertEquals(5, admission.lowerWorkLimit());
        assertTrue(admission.admit().isEmpty(), "onsite runs in time never lift lower work above the share");
    }

    @Test
    void aTargetOfZeroTurnsTheAdaptationOff() {
        var admission = admission(new Limits(20, 20, 0, 1.0, NO_AGING, Duration.ZERO, ABOUT));
        admission.add(ONSITE, "onsite");
        addLow(admission, 40);
        startAll(admission);

        admission.onsiteWaited(Duration.ofSeconds(5));
        assertEquals(20, admission.lowerWorkLimit());
        admission.ended(LOW);
        assertEquals(1, startAll(admission).size());
    }

    @Test
    void onsiteRunsAreAboutForSomeTime() {
        assertThrows(IllegalArgumentException.class, () -> new Limits(4, 1, 0, 1.0, NO_AGING, TARGET, Duration.ZERO));
    }

    @Test
    void theOnsiteWaitTargetIsNotNegative() {
        assertThrows(IllegalArgumentException.class,
                () -> new Limits(4, 1, 0, 1.0, NO_AGING, Duration.ofMillis(-1), ABOUT));
    }

    private SlotAdmission<String> admission(Limits limits) {
        return new SlotAdmission<>(limits, nanoClock::get);
    }

    private void elapse(Duration time) {
        nanoClock.addAndGet(time.toNanos());
    }

    private static void addLow(SlotAdmission<String> admission, int runs) {
        for (int i = 0; i < runs; i++) {
            admission.add(LOW, "low-" + i);
        }
    }

    /** Admits what may start and completes its claims with every run started. */
    private static List<String> startAll(SlotAdmission<String> admission) {
        List<Claim<String>> claims = admission.admit();
        claims.forEach(claim -> admission.claimed(claim, claim.runs().size()));
        return names(claims);
    }

    private static void startUntilFull(SlotAdmission<String> admission) {
        while (!startAll(admission).isEmpty()) {
            // admitted claims started; the next admit decides on the slots left
        }
    }

    private static List<String> names(List<Claim<String>> claims) {
        return claims.stream().flatMap(claim -> claim.runs().stream()).toList();
    }

    private static Priority priority(String run) {
        return Priority.valueOf(run.substring(0, run.indexOf('-') < 0 ? run.length() : run.indexOf('-')).toUpperCase());
    }

    /**
     * 20 slots, an onsite run and 19 low runs started, 21 low runs waiting; a late onsite run halved lower work's
     * limit to 9 and 10 low runs ended since, so lower work holds 9, its limit.
     */
    private SlotAdmission<String> cutOnceAndDrained() {
        var admission = admission(new Limits(20, 20, 0, 1.0, NO_AGING, TARGET, ABOUT));
        admission.add(ONSITE, "onsite");
        addLow(admission, 40);
        startAll(admission);
        admission.onsiteWaited(SLOW);
        for (int i = 0; i < 10; i++) {
            admission.ended(LOW);
        }
        return admission;
    }
}
