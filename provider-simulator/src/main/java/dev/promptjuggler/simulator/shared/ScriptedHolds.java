package dev.promptjuggler.simulator.shared;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Requests a test holds open: a request whose last user text contains a rule's text waits that rule's time before
 * its answer, so the test decides when the client gives up. Counts the held requests whose client closed the
 * connection before the answer was sent: how a test proves that a caller really aborted its request. Thread-safe.
 */
@ApplicationScoped
public class ScriptedHolds {

    private record Rule(String contains, Duration hold) {
    }

    /** @param held requests waiting now; @param closedByClient held requests whose client went away */
    public record Status(int held, int closedByClient) {
    }

    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private final AtomicInteger held = new AtomicInteger();
    private final AtomicInteger closedByClient = new AtomicInteger();

    public void add(String contains, Duration hold) {
        rules.add(new Rule(contains, hold));
    }

    /** How long a request with this last user text is held; empty when no rule matches. */
    public Optional<Duration> holdFor(String lastUserText) {
        return rules.stream().filter(rule -> lastUserText != null && lastUserText.contains(rule.contains()))
                .map(Rule::hold).findFirst();
    }

    void holding() {
        held.incrementAndGet();
    }

    /** A held request ended: answered, or its client closed the connection first. */
    void released(boolean byClient) {
        held.decrementAndGet();
        if (byClient) {
            closedByClient.incrementAndGet();
        }
    }

    public Status status() {
        return new Status(held.get(), closedByClient.get());
    }

    /** Removes every rule and zeroes the count of closed connections (requests held now stay held). */
    public void clear() {
        rules.clear();
        closedByClient.set(0);
    }
}
