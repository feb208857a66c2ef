package dev.promptjuggler.runtime.health;

import java.time.Duration;

/**
 * A worker loop's sign of life, for the service's liveness check: the loop beats on every turn, and is taken for
 * stopped once no beat came for longer than it may be silent — whatever stopped it: a dead thread, a cancelled
 * timer, an event loop blocked by someone else's work. Counted from its creation, so a loop that never started
 * is stopped too once that long has passed.
 */
public final class Heartbeat {

    private final String name;
    private final long silenceNanos;
    private volatile long last = System.nanoTime();

    /** @param silence the longest a healthy loop goes without a turn, with room for a slow one */
    public Heartbeat(String name, Duration silence) {
        this.name = name;
        this.silenceNanos = silence.toNanos();
    }

    public void beat() {
        last = System.nanoTime();
    }

    public boolean alive() {
        return sinceLast().toNanos() <= silenceNanos;
    }

    public Duration sinceLast() {
        return Duration.ofNanos(System.nanoTime() - last);
    }

    public String name() {
        return name;
    }
}
