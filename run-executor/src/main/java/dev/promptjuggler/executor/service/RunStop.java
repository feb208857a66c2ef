package dev.promptjuggler.executor.service;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Stops one run's work when it is cancelled or reaches its deadline: the work {@link #guard}ed by it is unsubscribed
 * at that moment (its provider request reset, its tool loop and workflow nodes left unstarted) and fails with a
 * {@link RunStoppedException}, after which the run stores its end like any failed run.
 */
public final class RunStop {

    /** Why a run was stopped: its error, as reading the run shows it, and its metric tag. */
    public enum Why {
        CANCELLED("cancelled", "cancelled"),
        TIMED_OUT("timed out", "timed_out");

        private final String error;
        private final String tag;

        Why(String error, String tag) {
            this.error = error;
            this.tag = tag;
        }

        public String error() {
            return error;
        }

        public String tag() {
            return tag;
        }
    }

    /** Never stops: for work outside a run. */
    public static final RunStop NEVER = new RunStop(task -> task.run());

    private final Consumer<Runnable> onRunsContext;
    private final AtomicReference<Why> stopped = new AtomicReference<>();
    private final List<Runnable> listeners = new ArrayList<>();
    private volatile Runnable onEnd = () -> {
    };

    /** @param onRunsContext runs a task on the run's own context (its MDC, its Vert.x context) */
    RunStop(Consumer<Runnable> onRunsContext) {
        this.onRunsContext = onRunsContext;
    }

    /** Stops the run's guarded work; the first reason wins, later ones change nothing. */
    void stop(Why why) {
        if (!stopped.compareAndSet(null, why)) {
            return;
        }
        List<Runnable> stopping;
        synchronized (listeners) {
            stopping = List.copyOf(listeners);
            listeners.clear();
        }
        onRunsContext.accept(() -> stopping.forEach(Runnable::run));
    }

    /** {@code task} runs once the run ended (e.g. its deadline's timer is cancelled). */
    void onEnd(Runnable task) {
        onEnd = task;
    }

    void end() {
        onEnd.run();
    }

    /** Why the run was stopped; empty while it was not. */
    public Optional<Why> why() {
        return Optional.ofNullable(stopped.get());
    }

    /**
     * {@code work}, unless the run is stopped first: then the work's subscription is cancelled and the result fails
     * with {@link RunStoppedException}. Work the run was stopped before is never subscribed to.
     */
    public <T> Uni<T> guard(Uni<T> work) {
        if (this == NEVER) {
            return work;
        }
        return Uni.createFrom().emitter(emitter -> {
            AtomicReference<Cancellable> subscription = new AtomicReference<>();
            Runnable onStop = () -> {
                Cancellable running = subscription.get();
                if (running != null) {
                    running.cancel();
                }
                emitter.fail(new RunStoppedException(stopped.get()));
            };
            synchronized (listeners) {
                if (stopped.get() == null) {
                    listeners.add(onStop);
                }
            }
            if (stopped.get() != null) {
                emitter.fail(new RunStoppedException(stopped.get()));
                return;
            }
            emitter.onTermination(() -> {
                synchronized (listeners) {
                    listeners.remove(onStop);
                }
            });
            subscription.set(work.subscribe().with(emitter::complete, emitter::fail));
            if (stopped.get() != null) {
                // Stopped while subscribing: the stop may have looked for the subscription before it existed.
                subscription.get().cancel();
            }
        });
    }
}
