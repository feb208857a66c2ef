package dev.promptjuggler.runtime.lifecycle;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DrainTest {

    @Test
    void waitsUntilTheWorkIsDone() throws InterruptedException {
        AtomicInteger checks = new AtomicInteger();
        assertTrue(Drain.await(() -> checks.incrementAndGet() >= 3, Duration.ofMinutes(1)));
        assertTrue(checks.get() == 3, "it stops checking once idle");
    }

    @Test
    void givesUpWhenTheTimeIsUp() throws InterruptedException {
        assertFalse(Drain.await(() -> false, Duration.ZERO));
    }
}
