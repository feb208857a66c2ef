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
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The admission policy alone: runs are names, a claim statement completes when the test says, a run ends when
 * the test says. Every decision the scheduler takes on slots is one {@link SlotAdmission#admit()} here.
 */
class SlotAdmissionTest {

    private static final int NO_AGING = 1000;

    @Test
    void freedSlotsGoToWaitingOnsiteRunsThenNormalThenTheLowBacklogFetchedEarlier() {
        var admission = new SlotAdmission<String>(new Limits(2, 1, 0, 1.0, NO_AGING));
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
        var admission = new SlotAdmission<String>(new Limits(3, 10, 1, 1.0, NO_AGING));
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
        var admission = new SlotAdmission<String>(new Limits(2, 10, 5, 1.0, NO_AGING));
        admission.add(LOW, "low-0");
        admission.add(LOW, "low-1");

        assertEquals(List.of("low-0"), startAll(admission));
        assertTrue(admission.admit().isEmpty());
    }

    @Test
    void whileAnOnsiteRunIsInFlightLowerWorkHoldsAtMostItsShareAndAllSlotsOnceItEnded() {
        var admission = new SlotAdmission<String>(new Limits(4, 10, 0, 0.5, NO_AGING));
        admission.add(ONSITE, "onsite");
        assertEquals(List.of("onsite"), startAll(admission));
        for (int i = 0; i < 4; i++) {
            admission.add(LOW, "low-" + i);
        }

        assertEquals(List.of("low-0", "low-1"), startAll(admission), "half of the four slots");
        assertTrue(admission.admit().isEmpty(), "a slot is free, yet the low runs wait while the onsite run is in flight");
        assertEquals(3, admission.inFlight());
        assertEquals(2, admission.waiting(LOW));

        admission.ended(ONSITE);
        assertEquals(List.of("low-2", "low-3"), startAll(admission), "no onsite run about: no cap");
        assertEquals(4, admission.inFlight());
    }

    @Test
    void aWaitingOnsiteRunCapsLowerWorkToo() {
        var admission = new SlotAdmission<String>(new Limits(4, 1, 0, 0.25, NO_AGING));
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
        var admission = new SlotAdmission<String>(new Limits(100, 3, 0, 1.0, NO_AGING));
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
        var admission = new SlotAdmission<String>(new Limits(100, 3, 0, 1.0, NO_AGING));
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
        var admission = new SlotAdmission<String>(new Limits(2, 1, 0, 1.0, NO_AGING));
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
        var admission = new SlotAdmission<String>(new Limits(1, 1, 0, 1.0, 2));
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
        var admission = new SlotAdmission<String>(new Limits(1, 1, 0, 1.0, NO_AGING));
        admission.add(NORMAL, "normal-0");
        admission.add(NORMAL, "normal-1");
        admission.removeIf(run -> run.equals("normal-0"));

        assertEquals(1, admission.waiting(NORMAL));
        assertEquals(List.of("normal-1"), startAll(admission));
    }

    @Test
    void theLowerShareIsAboveZeroAndAtMostOne() {
        assertThrows(IllegalArgumentException.class, () -> new Limits(4, 1, 0, 0.0, NO_AGING));
        assertThrows(IllegalArgumentException.class, () -> new Limits(4, 1, 0, 1.5, NO_AGING));
    }

    /** Admits what may start and completes its claims with every run started. */
    private static List<String> startAll(SlotAdmission<String> admission) {
        List<Claim<String>> claims = admission.admit();
        claims.forEach(claim -> admission.claimed(claim, claim.runs().size()));
        return names(claims);
    }

    private static List<String> names(List<Claim<String>> claims) {
        return claims.stream().flatMap(claim -> claim.runs().stream()).toList();
    }

    private static Priority priority(String run) {
        return Priority.valueOf(run.substring(0, run.indexOf('-') < 0 ? run.length() : run.indexOf('-')).toUpperCase());
    }
}
