package dev.promptjuggler.runtime.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GroupCommitTest {

    /** A store whose writes complete when the test says so, recording every batch it was given. */
    private static final class HeldWrites {
        final List<List<String>> batches = new ArrayList<>();
        final List<CompletableFuture<List<String>>> pending = new ArrayList<>();

        Uni<List<String>> write(List<String> batch) {
            batches.add(batch);
            CompletableFuture<List<String>> done = new CompletableFuture<>();
            pending.add(done);
            return Uni.createFrom().completionStage(done);
        }

        void commit(int index) {
            pending.get(index).complete(batches.get(index).stream().map(item -> item.toUpperCase(Locale.ROOT)).toList());
        }
    }

    private static CompletableFuture<String> submit(GroupCommit<String, String> commits, String item) {
        return commits.submit(item).subscribeAsCompletionStage();
    }

    @Test
    void anItemAloneIsWrittenAtOnceAndItsCallerGetsItsOwnResult() {
        HeldWrites store = new HeldWrites();
        GroupCommit<String, String> commits = new GroupCommit<>(10, item -> 1, store::write);

        CompletableFuture<String> a = submit(commits, "a");

        assertEquals(List.of(List.of("a")), store.batches, "no waiting for company");
        assertFalse(a.isDone(), "done only once the write committed");
        store.commit(0);
        assertEquals("A", a.join());
    }

    @Test
    void itemsArrivingDuringAWriteGoTogetherNextInOrderAndCappedAndEachGetsItsOwnResult() {
        HeldWrites store = new HeldWrites();
        GroupCommit<String, String> commits = new GroupCommit<>(3, item -> 1, store::write);

        CompletableFuture<String> a = submit(commits, "a");
        List<CompletableFuture<String>> later = List.of("b", "c", "d", "e", "f").stream()
                .map(item -> submit(commits, item)).toList();
        assertEquals(1, store.batches.size(), "one write in flight at a time");

        store.commit(0);
        assertEquals("A", a.join());
        assertEquals(List.of("b", "c", "d"), store.batches.get(1));
        assertTrue(later.stream().noneMatch(CompletableFuture::isDone));

        store.commit(1);
        assertEquals(List.of("e", "f"), store.batches.get(2));
        store.commit(2);
        assertEquals(List.of("B", "C", "D", "E", "F"), later.stream().map(CompletableFuture::join).toList());
        assertEquals(3, store.batches.size());
    }

    @Test
    void aFailedWriteFailsEveryCallerOfItsBatchAndTheNextBatchIsStillWritten() {
        HeldWrites store = new HeldWrites();
        GroupCommit<String, String> commits = new GroupCommit<>(10, item -> 1, store::write);
        CompletableFuture<String> a = submit(commits, "a");
        CompletableFuture<String> b = submit(commits, "b");
        CompletableFuture<String> c = submit(commits, "c");
        store.commit(0);

        IllegalStateException broken = new IllegalStateException("connection lost");
        CompletableFuture<String> d = submit(commits, "d");
        store.pending.get(1).completeExceptionally(broken);

        assertEquals("A", a.join());
        assertSame(broken, assertThrows(Exception.class, b::join).getCause());
        assertSame(broken, assertThrows(Exception.class, c::join).getCause());
        assertEquals(List.of("d"), store.batches.get(2));
        store.commit(2);
        assertEquals("D", d.join());
    }

    @Test
    void isolatingFailuresWritesAFailedBatchAgainOneItemPerWriteSoOnlyTheRefusedItemFails() {
        HeldWrites store = new HeldWrites();
        GroupCommit<String, String> commits = new GroupCommit<String, String>(10, item -> 1, store::write).isolatingFailures();
        CompletableFuture<String> a = submit(commits, "a");
        CompletableFuture<String> b = submit(commits, "b");
        CompletableFuture<String> bad = submit(commits, "bad");
        CompletableFuture<String> c = submit(commits, "c");
        store.commit(0);
        assertEquals(List.of("b", "bad", "c"), store.batches.get(1));

        IllegalStateException refused = new IllegalStateException("invalid byte sequence");
        store.pending.get(1).completeExceptionally(refused);
        CompletableFuture<String> d = submit(commits, "d");
        assertEquals(List.of("b"), store.batches.get(2), "the failed batch again, its first item alone");
        store.commit(2);
        assertEquals(List.of("bad"), store.batches.get(3), "one write at a time");
        store.pending.get(3).completeExceptionally(refused);
        assertEquals(List.of("c"), store.batches.get(4));
        store.commit(4);
        assertEquals(List.of("d"), store.batches.get(5), "then the items that arrived meanwhile");
        store.commit(5);

        assertEquals(List.of("A", "B", "C", "D"), List.of(a.join(), b.join(), c.join(), d.join()));
        assertSame(refused, assertThrows(Exception.class, bad::join).getCause());
        assertEquals(6, store.batches.size());
    }

    @Test
    void aWriterThatThrowsFailsItsBatchAndDoesNotStopTheNext() {
        List<List<String>> seen = new ArrayList<>();
        GroupCommit<String, Void> commits = GroupCommit.of(10, batch -> {
            seen.add(batch);
            if (batch.contains("bad")) {
                throw new IllegalArgumentException("cannot bind bad");
            }
            return Uni.createFrom().voidItem();
        });

        Exception failed = assertThrows(Exception.class,
                () -> commits.submit("bad").subscribeAsCompletionStage().join());
        assertEquals("cannot bind bad", failed.getCause().getMessage());
        assertEquals(null, commits.submit("good").subscribeAsCompletionStage().join());
        assertEquals(List.of(List.of("bad"), List.of("good")), seen);
    }

    @Test
    void aBatchWithTooFewResultsFailsItsCallersInsteadOfLeavingOneWaiting() {
        HeldWrites store = new HeldWrites();
        GroupCommit<String, String> commits = new GroupCommit<>(10, item -> 1, store::write);
        CompletableFuture<String> a = submit(commits, "a");
        CompletableFuture<String> b = submit(commits, "b");
        CompletableFuture<String> c = submit(commits, "c");
        store.commit(0);
        assertEquals("A", a.join());
        assertEquals(List.of("b", "c"), store.batches.get(1));

        store.pending.get(1).complete(List.of("B"));

        assertTrue(assertThrows(Exception.class, b::join).getCause().getMessage().contains("2 was written with 1"));
        assertThrows(Exception.class, c::join);
    }

    @Test
    void weighedBatchesStayUnderTheirWeightAndAHeavyItemGoesAlone() {
        HeldWrites store = new HeldWrites();
        GroupCommit<String, String> commits = new GroupCommit<>(5, String::length, store::write);
        CompletableFuture<String> first = submit(commits, "x");
        List<CompletableFuture<String>> later = List.of("aa", "bbb", "cccccccc", "d", "ee").stream()
                .map(item -> submit(commits, item)).toList();

        for (int i = 0; i < 4; i++) {
            store.commit(i);
        }

        assertEquals(List.of(List.of("x"), List.of("aa", "bbb"), List.of("cccccccc"), List.of("d", "ee")), store.batches);
        assertEquals("X", first.join());
        assertEquals(List.of("AA", "BBB", "CCCCCCCC", "D", "EE"), later.stream().map(CompletableFuture::join).toList());
    }

    @Test
    void nothingIsQueuedUntilTheCallerSubscribes() {
        HeldWrites store = new HeldWrites();
        GroupCommit<String, String> commits = new GroupCommit<>(10, item -> 1, store::write);

        Uni<String> notYet = commits.submit("a");

        assertTrue(store.batches.isEmpty());
        CompletableFuture<String> a = notYet.subscribeAsCompletionStage();
        store.commit(0);
        assertEquals("A", a.join());
    }

    @ParameterizedTest(name = "{0} write(s) in flight")
    @ValueSource(ints = {1, 2})
    void concurrentCallersAreEachWrittenOnceWithinTheWritesInFlightAndNoneLeftWaiting(int writes) throws Exception {
        int callers = 2_000;
        int maxBatch = 16;
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger mostInFlight = new AtomicInteger();
        List<List<Integer>> batches = new CopyOnWriteArrayList<>();
        ExecutorService database = Executors.newSingleThreadExecutor();
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            GroupCommit<Integer, Integer> commits = new GroupCommit<Integer, Integer>(maxBatch, item -> 1, batch -> {
                mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                batches.add(batch);
                return Uni.createFrom().item(() -> {
                    inFlight.decrementAndGet();
                    return batch.stream().map(item -> -item).toList();
                }).runSubscriptionOn(database);
            }).isolatingFailures().writesInFlight(writes);

            List<CompletableFuture<Integer>> answers = Collections.synchronizedList(new ArrayList<>());
            for (int i = 0; i < callers; i++) {
                int item = i;
                threads.execute(() -> answers.add(commits.submit(item).subscribeAsCompletionStage()));
            }
            threads.shutdown();
            assertTrue(threads.awaitTermination(1, TimeUnit.MINUTES));

            Set<Integer> results = ConcurrentHashMap.newKeySet();
            for (CompletableFuture<Integer> answer : answers) {
                results.add(answer.get(1, TimeUnit.MINUTES));
            }
            assertEquals(callers, results.size(), "every caller got its own result");
            assertEquals(callers, batches.stream().mapToInt(List::size).sum(), "every item written exactly once");
            assertEquals(callers, batches.stream().flatMap(List::stream).distinct().count());
            assertTrue(batches.stream().allMatch(batch -> batch.size() <= maxBatch));
            assertTrue(mostInFlight.get() <= writes, "never more writes at once than " + writes);
        } finally {
            threads.shutdownNow();
            database.shutdownNow();
        }
    }

    @Test
    void withTwoWritesInFlightASecondItemIsWrittenAtOnceAndTheRestJoinTheFirstBatchToFinish() {
        HeldWrites store = new HeldWrites();
        GroupCommit<String, String> commits = new GroupCommit<String, String>(10, item -> 1, store::write)
                .isolatingFailures().writesInFlight(2);

        CompletableFuture<String> a = submit(commits, "a");
        CompletableFuture<String> b = submit(commits, "b");
        CompletableFuture<String> c = submit(commits, "c");
        CompletableFuture<String> d = submit(commits, "d");
        assertEquals(List.of(List.of("a"), List.of("b")), store.batches, "two writes at once, each at once");

        store.commit(1);
        assertEquals("B", b.join());
        assertEquals(List.of("c", "d"), store.batches.get(2), "the waiting items go in the slot that came free");
        assertFalse(a.isDone());
        store.commit(0);
        assertEquals("A", a.join());

        CompletableFuture<String> e = submit(commits, "e");
        assertEquals(List.of("e"), store.batches.get(3), "a slot is free again: written at once");
        store.commit(2);
        store.commit(3);
        assertEquals(List.of("C", "D", "E"), List.of(c.join(), d.join(), e.join()));
    }

    @Test
    void completingOnCallersContextHandsEachResultBackToTheContextItWasSubmittedOn() throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            for (boolean onCallersContext : new boolean[] {false, true}) {
                HeldWrites store = new HeldWrites();
                CompletableFuture<Void> written = new CompletableFuture<>();
                GroupCommit<String, String> plain = new GroupCommit<String, String>(10, item -> 1, batch -> {
                    Uni<List<String>> write = store.write(batch);
                    written.complete(null);
                    return write;
                });
                GroupCommit<String, String> commits = onCallersContext ? plain.completingOnCallersContext() : plain;
                Context caller = vertx.getOrCreateContext();
                CompletableFuture<Optional<Context>> completedOn = new CompletableFuture<>();
                caller.runOnContext(ignored -> commits.submit("a").subscribe()
                        .with(result -> completedOn.complete(Optional.ofNullable(Vertx.currentContext()))));
                written.get(10, TimeUnit.SECONDS);
                while (store.pending.get(0).getNumberOfDependents() == 0) { // GroupCommit waits on it: not yet complete
                    Thread.onSpinWait();
                }

                store.commit(0); // on this thread, as a connection's own context would complete it

                Optional<Context> context = completedOn.get(10, TimeUnit.SECONDS);
                if (onCallersContext) {
                    assertSame(caller, context.orElse(null), "completed on the caller's context");
                } else {
                    assertTrue(context.isEmpty(), "completed where the write completed");
                }
            }
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aBatchMustBeAllowedAtLeastOneItemAndAtLeastOneWrite() {
        assertThrows(IllegalArgumentException.class, () -> GroupCommit.of(0, batch -> Uni.createFrom().voidItem()));
        assertThrows(IllegalArgumentException.class, () -> GroupCommit.of(1, batch -> Uni.createFrom().voidItem())
                .writesInFlight(0));
    }
}
