package dev.promptjuggler.executor.messaging;

import java.time.Duration;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

/**
 * A Kafka consumer that the service polls on a thread of its own (the consumers SmallRye's channels cannot express):
 * started with the service, polled turn after turn, a failed turn logged and the next one a second later, woken and
 * waited for at shutdown, closed by its own thread when the loop ends (the consumer is not thread-safe).
 *
 * @param <K> the records' key type
 * @param <V> the records' value type
 */
public abstract class ConsumerThread<K, V> {

    private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);
    private static final long STOP_WAIT_MS = 10_000;

    private final Logger log = Logger.getLogger(getClass());
    private String name;
    private volatile boolean active;
    private volatile Thread thread;

    /** The consumer; its thread's alone from {@link #startPolling} on. */
    protected KafkaConsumer<K, V> consumer;

    /** Before the first turn, on the consumer's thread: subscribe or assign (may wait, while {@link #active}). */
    protected abstract void begin() throws InterruptedException;

    /** One turn: a poll and what it brought. */
    protected abstract void turn();

    /** After the last turn, on the consumer's thread, before the consumer is closed (a final commit, say). */
    protected void end() {
    }

    /**
     * Starts polling {@code created} on a new thread.
     *
     * @param threadName the thread's name, also how the log names the consumer
     */
    protected final void startPolling(String threadName, KafkaConsumer<K, V> created) {
        name = threadName;
        consumer = created;
        active = true;
        thread = new Thread(this::loop, name);
        thread.start();
    }

    /** Ends the loop at its next turn (a poll in progress returns at once) and waits up to 10 s for it. */
    protected final void stopPolling() {
        active = false;
        if (consumer != null) {
            consumer.wakeup();
        }
        Thread running = thread;
        if (running != null) {
            try {
                running.join(STOP_WAIT_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Until {@link #stopPolling}. */
    protected final boolean active() {
        return active;
    }

    /** The consumer's thread; null before {@link #startPolling}. */
    protected final Thread thread() {
        return thread;
    }

    private void loop() {
        try {
            begin();
            while (active) {
                try {
                    turn();
                } catch (WakeupException e) {
                    throw e;
                } catch (RuntimeException e) {
                    // The consumer must outlive a bad moment; what it missed, redelivery or the sweeper brings.
                    log.errorf(e, "%s: %s; polling again in 1 s", name, e.toString());
                    Thread.sleep(1000);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (WakeupException e) {
            if (active) {
                log.errorf(e, "%s woken up while active", name);
            }
        } catch (RuntimeException e) {
            log.errorf(e, "%s stopped", name);
        } finally {
            try {
                end();
            } finally {
                try {
                    consumer.close(CLOSE_WAIT);
                } catch (RuntimeException e) {
                    // Interrupted: a group notices the member's absence after its session timeout instead.
                    log.warnf("closing %s: %s", name, e.toString());
                }
            }
        }
    }
}
