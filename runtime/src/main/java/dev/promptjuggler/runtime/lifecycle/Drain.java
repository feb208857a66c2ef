package dev.promptjuggler.runtime.lifecycle;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * The wait of a stopping worker for its work in flight (runs, delivery attempts, documents): it blocks the
 * shutdown observer, while the event loops and pools still run, until the work is done or its time is up; what
 * is left the caller releases or leaves to its lease.
 */
public final class Drain {

    private static final long CHECK_EVERY_MS = 50;

    private Drain() {
    }

    /** Waits until {@code idle} holds or {@code limit} has passed; true when it holds. */
    public static boolean await(BooleanSupplier idle, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!idle.getAsBoolean()) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            Thread.sleep(CHECK_EVERY_MS);
        }
        return true;
    }
}
