package dev.promptjuggler.runtime.persistence;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * Group commit: one write in flight at a time, and the items submitted while it runs go together in the
 * next, in arrival order. Under a trickle every item is written at once (no timer, no wait for company);
 * under load the statements grow instead of queueing one small commit each behind the other. Each
 * caller's Uni completes with its own item's result, or fails with its batch's failure; a failed batch
 * does not stop the next one. The SQL stays with the store that owns the table: this only collects and
 * hands out.
 *
 * <p>Nothing is queued until the returned Uni is subscribed to; once queued, an item is written even if
 * its subscriber cancels.
 *
 * @param <T> what a caller submits
 * @param <R> what each caller gets back once its batch is written
 */
public final class GroupCommit<T, R> {

    private final int maxWeight;
    private final ToIntFunction<T> weight;
    private final Function<List<T>, Uni<List<R>>> write;
    private final Deque<Waiting<T, R>> waiting = new ArrayDeque<>();
    private boolean writing;

    /**
     * @param maxWeight the most a batch may weigh, so one statement and its arrays stay bounded; an item
     *                  heavier than that alone is still written, in a batch of its own
     * @param weight    what an item weighs (1 for a row, the event count for a polled batch, …)
     * @param write     writes a batch in one statement; its results in the batch's order, one per item
     */
    public GroupCommit(int maxWeight, ToIntFunction<T> weight, Function<List<T>, Uni<List<R>>> write) {
        if (maxWeight < 1) {
            throw new IllegalArgumentException("a batch must be allowed to weigh at least 1, not " + maxWeight);
        }
        this.maxWeight = maxWeight;
        this.weight = weight;
        this.write = write;
    }

    /** Batches of at most {@code maxBatch} items, written by {@code write}, whose callers get no result but success. */
    public static <T> GroupCommit<T, Void> of(int maxBatch, Function<List<T>, Uni<Void>> write) {
        return weighed(maxBatch, item -> 1, write);
    }

    /** Batches of at most {@code maxWeight} by {@code weight}, whose callers get no result but success. */
    public static <T> GroupCommit<T, Void> weighed(int maxWeight, ToIntFunction<T> weight,
            Function<List<T>, Uni<Void>> write) {
        return new GroupCommit<>(maxWeight, weight,
                batch -> write.apply(batch).map(done -> Collections.nCopies(batch.size(), (Void) null)));
    }

    /** Queues {@code item} for the next write; the Uni completes once the write that carried it committed. */
    public Uni<R> submit(T item) {
        return Uni.createFrom().emitter(emitter -> {
            boolean start;
            synchronized (waiting) {
                waiting.add(new Waiting<>(item, emitter));
                start = !writing;
                writing = true;
            }
            if (start) {
                writeNext();
            }
        });
    }

    private void writeNext() {
        List<Waiting<T, R>> batch = new ArrayList<>();
        synchronized (waiting) {
            int weighs = 0;
            while (!waiting.isEmpty()
                    && (batch.isEmpty() || weighs + weight.applyAsInt(waiting.peek().item()) <= maxWeight)) {
                Waiting<T, R> next = waiting.poll();
                weighs += weight.applyAsInt(next.item());
                batch.add(next);
            }
            if (batch.isEmpty()) {
                writing = false;
                return;
            }
        }
        Uni<List<R>> written;
        try {
            written = write.apply(batch.stream().map(Waiting::item).toList());
        } catch (RuntimeException failure) {
            written = Uni.createFrom().failure(failure);
        }
        written.subscribe().with(results -> {
            if (results.size() != batch.size()) {
                failAll(batch, new IllegalStateException(
                        "a batch of " + batch.size() + " was written with " + results.size() + " results"));
            } else {
                for (int i = 0; i < batch.size(); i++) {
                    batch.get(i).emitter().complete(results.get(i));
                }
            }
            // Callers first, then the next batch: an item submitted meanwhile waits no longer than that.
            writeNext();
        }, failure -> {
            failAll(batch, failure);
            writeNext();
        });
    }

    private static <T, R> void failAll(List<Waiting<T, R>> batch, Throwable failure) {
        batch.forEach(waiting -> waiting.emitter().fail(failure));
    }

    private record Waiting<T, R>(T item, UniEmitter<? super R> emitter) {
    }
}
