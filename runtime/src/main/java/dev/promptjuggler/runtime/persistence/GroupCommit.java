package dev.promptjuggler.runtime.persistence;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * Group commit: one write in flight at a time (or {@link #writesInFlight}), and the items submitted while it
 * runs go together in the next, in arrival order. Under a trickle every item is written at once (no timer, no
 * wait for company); under load the statements grow instead of queueing one small commit each behind the other.
 * Each caller's Uni completes with its own item's result, or fails with its batch's failure (with
 * {@link #isolatingFailures}, its own); a failed batch does not stop the next one. The SQL stays with the
 * store that owns the table: this only collects and hands out.
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
    private final boolean isolateFailures;
    private final int writesInFlight;
    private final boolean onCallersContext;
    private final Deque<Waiting<T, R>> waiting = new ArrayDeque<>();
    private int writing;

    /**
     * @param maxWeight the most a batch may weigh, so one statement and its arrays stay bounded; an item
     *                  heavier than that alone is still written, in a batch of its own
     * @param weight    what an item weighs (1 for a row, the event count for a polled batch, …)
     * @param write     writes a batch in one statement; its results in the batch's order, one per item
     */
    public GroupCommit(int maxWeight, ToIntFunction<T> weight, Function<List<T>, Uni<List<R>>> write) {
        this(maxWeight, weight, write, false, 1, false);
    }

    private GroupCommit(int maxWeight, ToIntFunction<T> weight, Function<List<T>, Uni<List<R>>> write,
            boolean isolateFailures, int writesInFlight, boolean onCallersContext) {
        if (maxWeight < 1) {
            throw new IllegalArgumentException("a batch must be allowed to weigh at least 1, not " + maxWeight);
        }
        if (writesInFlight < 1) {
            throw new IllegalArgumentException("at least one write must be allowed in flight, not " + writesInFlight);
        }
        this.maxWeight = maxWeight;
        this.weight = weight;
        this.write = write;
        this.isolateFailures = isolateFailures;
        this.writesInFlight = writesInFlight;
        this.onCallersContext = onCallersContext;
    }

    /**
     * The same, where a batch of several that fails is written again one item per write (in order, on the failed
     * batch's own write slot): an item the database refuses fails alone, and the others are stored. For writes whose
     * callers must not pay for another's bad row.
     */
    public GroupCommit<T, R> isolatingFailures() {
        return new GroupCommit<>(maxWeight, weight, write, true, writesInFlight, onCallersContext);
    }

    /**
     * The same, with up to {@code writes} batches written at once (each on its own connection of the pool): an item
     * that arrives while fewer are running is written at once, and under load the next batch starts while the last
     * one commits. Batches may then commit in any order; for items independent of each other.
     */
    public GroupCommit<T, R> writesInFlight(int writes) {
        return new GroupCommit<>(maxWeight, weight, write, isolateFailures, writes, onCallersContext);
    }

    /**
     * The same, each caller's Uni completing on the Vert.x context it was subscribed on (a request's), as that
     * caller's own I/O would, instead of on the context of the connection that wrote the batch.
     */
    public GroupCommit<T, R> completingOnCallersContext() {
        return new GroupCommit<>(maxWeight, weight, write, isolateFailures, writesInFlight, true);
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
                waiting.add(new Waiting<>(item, emitter, onCallersContext ? Vertx.currentContext() : null));
                start = writing < writesInFlight;
                if (start) {
                    writing++;
                }
            }
            if (start) {
                writeNext();
            }
        });
    }

    /** Writes the next batch on a write slot this caller holds; gives the slot back when nothing is waiting. */
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
                writing--;
                return;
            }
        }
        written(batch).subscribe().with(results -> {
            complete(batch, results);
            // Callers first, then the next batch: an item submitted meanwhile waits no longer than that.
            writeNext();
        }, failure -> {
            if (isolateFailures && batch.size() > 1) {
                writeAlone(batch, 0);
            } else {
                failAll(batch, failure);
                writeNext();
            }
        });
    }

    /** Writes the items of a failed batch from {@code index} on, one per write, then goes on with the next batch. */
    private void writeAlone(List<Waiting<T, R>> batch, int index) {
        if (index == batch.size()) {
            writeNext();
            return;
        }
        List<Waiting<T, R>> one = List.of(batch.get(index));
        written(one).subscribe().with(results -> {
            complete(one, results);
            writeAlone(batch, index + 1);
        }, failure -> {
            failAll(one, failure);
            writeAlone(batch, index + 1);
        });
    }

    private Uni<List<R>> written(List<Waiting<T, R>> batch) {
        try {
            return write.apply(batch.stream().map(Waiting::item).toList());
        } catch (RuntimeException failure) {
            return Uni.createFrom().failure(failure);
        }
    }

    private static <T, R> void complete(List<Waiting<T, R>> batch, List<R> results) {
        if (results.size() != batch.size()) {
            failAll(batch, new IllegalStateException(
                    "a batch of " + batch.size() + " was written with " + results.size() + " results"));
        } else {
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).complete(results.get(i));
            }
        }
    }

    private static <T, R> void failAll(List<Waiting<T, R>> batch, Throwable failure) {
        batch.forEach(waiting -> waiting.fail(failure));
    }

    /** @param context where the caller's Uni completes; null: wherever the write completed */
    private record Waiting<T, R>(T item, UniEmitter<? super R> emitter, Context context) {

        void complete(R result) {
            onContext(() -> emitter.complete(result));
        }

        void fail(Throwable failure) {
            onContext(() -> emitter.fail(failure));
        }

        private void onContext(Runnable outcome) {
            if (context == null || context == Vertx.currentContext()) {
                outcome.run();
            } else {
                context.runOnContext(ignored -> outcome.run());
            }
        }
    }
}
