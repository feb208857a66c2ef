package dev.promptjuggler.executor.scheduling;

import dev.promptjuggler.contracts.Priority;
import java.util.ArrayDeque;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The runs waiting for a slot, one FIFO queue per priority, and the rule that picks the next one:
 * the oldest run of the highest priority that has any, unless a lower queue has aged. A queue ages by
 * one each time a run of higher priority is started while it is not empty; once it has been passed
 * over {@code agingBypasses} times, its oldest run goes next (the most passed-over queue first) and its
 * count starts again. An empty queue has no age.
 *
 * <p>Not thread-safe: the scheduler calls it under its own lock.
 */
final class PriorityQueues<T> {

    private final int agingBypasses;
    private final Map<Priority, ArrayDeque<T>> queues = new EnumMap<>(Priority.class);
    private final Map<Priority, Integer> bypassed = new EnumMap<>(Priority.class);

    PriorityQueues(int agingBypasses) {
        if (agingBypasses < 1) {
            throw new IllegalArgumentException("agingBypasses must be at least 1");
        }
        this.agingBypasses = agingBypasses;
        for (Priority priority : Priority.values()) {
            queues.put(priority, new ArrayDeque<>());
            bypassed.put(priority, 0);
        }
    }

    void add(Priority priority, T item) {
        queues.get(priority).addLast(item);
    }

    int waiting(Priority priority) {
        return queues.get(priority).size();
    }

    boolean isEmpty() {
        return queues.values().stream().allMatch(ArrayDeque::isEmpty);
    }

    /** @return the run to start next, removed from its queue; null when nothing waits */
    T next() {
        return next(Priority.LOW);
    }

    /**
     * @param lowest the lowest priority that may be picked (e.g. {@code ONSITE} for a slot reserved to it)
     * @return the run to start next among those priorities, removed from its queue; null when none waits
     */
    T next(Priority lowest) {
        Priority chosen = nextPriority(lowest);
        if (chosen == null) {
            return null;
        }
        for (Priority priority : Priority.values()) {
            if (priority.ordinal() > chosen.ordinal() && !queues.get(priority).isEmpty()) {
                bypassed.merge(priority, 1, Integer::sum);
            }
        }
        bypassed.put(chosen, 0);
        return queues.get(chosen).pollFirst();
    }

    /**
     * @param lowest the lowest priority that may be picked
     * @return the priority of the run {@link #next(Priority)} would pick, without picking it; null when none waits
     */
    Priority nextPriority(Priority lowest) {
        Priority chosen = null;
        for (Priority priority : Priority.values()) {
            if (priority.ordinal() > lowest.ordinal() || queues.get(priority).isEmpty()) {
                continue;
            }
            if (chosen == null) {
                chosen = priority;
            } else if (bypassed.get(priority) >= agingBypasses && bypassed.get(priority) > bypassed.get(chosen)) {
                chosen = priority;
            }
        }
        return chosen;
    }

    /** Drops the waiting runs that match, e.g. those of partitions this worker no longer owns. */
    void removeIf(Predicate<T> filter) {
        for (Priority priority : Priority.values()) {
            queues.get(priority).removeIf(filter);
            if (queues.get(priority).isEmpty()) {
                bypassed.put(priority, 0);
            }
        }
    }
}
