package dev.promptjuggler.executor.scheduling;

import static dev.promptjuggler.contracts.Priority.LOW;
import static dev.promptjuggler.contracts.Priority.NORMAL;
import static dev.promptjuggler.contracts.Priority.ONSITE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PriorityQueuesTest {

    @Test
    void onsiteBeforeNormalBeforeLowWhateverTheArrivalOrder() {
        var queues = new PriorityQueues<String>(100);
        queues.add(LOW, "low-1");
        queues.add(LOW, "low-2");
        queues.add(NORMAL, "normal-1");
        queues.add(ONSITE, "onsite-1");
        queues.add(NORMAL, "normal-2");
        queues.add(ONSITE, "onsite-2");

        assertEquals(List.of("onsite-1", "onsite-2", "normal-1", "normal-2", "low-1", "low-2"), drain(queues));
        assertNull(queues.next());
    }

    @Test
    void aWaitingLowRunGoesNextOnceHigherRunsPassedItOverAgingBypassesTimes() {
        var queues = new PriorityQueues<String>(2);
        queues.add(LOW, "low-1");
        queues.add(LOW, "low-2");
        for (int i = 1; i <= 6; i++) {
            queues.add(ONSITE, "onsite-" + i);
        }

        assertEquals(List.of("onsite-1", "onsite-2", "low-1", "onsite-3", "onsite-4", "low-2", "onsite-5", "onsite-6"),
                drain(queues));
    }

    @Test
    void underOnsiteAndNormalLoadLowStillProgresses() {
        var queues = new PriorityQueues<String>(3);
        for (int i = 1; i <= 20; i++) {
            queues.add(ONSITE, "onsite-" + i);
            queues.add(NORMAL, "normal-" + i);
        }
        queues.add(LOW, "low-1");

        List<String> order = drain(queues);

        int lowAt = order.indexOf("low-1");
        assertEquals(true, lowAt >= 0 && lowAt <= 6, "low started at position " + lowAt + " of " + order);
        assertEquals(true, order.subList(0, 3).stream().allMatch(run -> run.startsWith("onsite")), order.toString());
    }

    @Test
    void aQueueThatEmptiedStartsAgingAfresh() {
        var queues = new PriorityQueues<String>(2);
        queues.add(LOW, "low-1");
        queues.add(ONSITE, "onsite-1");
        assertEquals("onsite-1", queues.next());
        assertEquals("low-1", queues.next());
        queues.add(LOW, "low-2");
        queues.add(ONSITE, "onsite-2");
        queues.add(ONSITE, "onsite-3");
        queues.add(ONSITE, "onsite-4");

        assertEquals(List.of("onsite-2", "onsite-3", "low-2", "onsite-4"), drain(queues));
    }

    @Test
    void nextPriorityNamesWhatNextPicksWithoutPickingIt() {
        var queues = new PriorityQueues<String>(2);
        queues.add(LOW, "low-1");
        queues.add(ONSITE, "onsite-1");
        queues.add(ONSITE, "onsite-2");
        queues.add(ONSITE, "onsite-3");

        List<String> order = new ArrayList<>();
        for (var priority = queues.nextPriority(LOW); priority != null; priority = queues.nextPriority(LOW)) {
            // Asked twice: a look changes neither the queues nor their ages.
            assertEquals(priority, queues.nextPriority(LOW));
            String next = queues.next();
            assertEquals(true, next.startsWith(priority.wireName()), next + " picked where " + priority + " was named");
            order.add(next);
        }

        assertEquals(List.of("onsite-1", "onsite-2", "low-1", "onsite-3"), order);
        assertNull(queues.nextPriority(ONSITE));
    }

    @Test
    void removedRunsAreNotStarted() {
        var queues = new PriorityQueues<String>(2);
        queues.add(ONSITE, "keep");
        queues.add(ONSITE, "drop");
        queues.add(LOW, "drop-too");

        queues.removeIf(run -> run.startsWith("drop"));

        assertEquals(List.of("keep"), drain(queues));
        assertEquals(0, queues.waiting(LOW));
    }

    private static List<String> drain(PriorityQueues<String> queues) {
        List<String> order = new ArrayList<>();
        for (String next = queues.next(); next != null; next = queues.next()) {
            order.add(next);
        }
        return order;
    }
}
