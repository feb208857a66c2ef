package dev.promptjuggler.simulator.shared;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * Failures a test scripted with {@code POST /__simulator/failures}: each valid request whose last user text
 * contains a rule's substring consumes that rule's next response, in order, whatever the provider format. Rules
 * are tried in the order they were added; an exhausted rule no longer matches. Thread-safe.
 */
@ApplicationScoped
public class ScriptedFailures {

    private final List<Rule> rules = new ArrayList<>();
    private long served;

    /**
     * @param status          the HTTP status to answer with
     * @param retryAfter      the Retry-After header's value, or null for none
     * @param message         the error message, or null for the simulator's default
     * @param cutAfterChunks  for a streamed answer: answer 200 and break the connection off after this many
     *                        chunks, instead of the error status; null for none (a request without streaming still
     *                        gets the status)
     */
    public record Failure(int status, String retryAfter, String message, Integer cutAfterChunks) {

        public Failure(int status, String retryAfter, String message) {
            this(status, retryAfter, message, null);
        }

        public String messageOrDefault() {
            return message != null ? message : "Simulated failure (status " + status + ") scripted by the test.";
        }
    }

    private record Rule(String contains, Deque<Failure> responses) {
    }

    public synchronized void add(String contains, List<Failure> responses) {
        rules.add(new Rule(contains, new ArrayDeque<>(responses)));
    }

    /** The next scripted failure for a request with this last user text, consumed; empty when none matches. */
    public synchronized Optional<Failure> next(String lastUserText) {
        for (Rule rule : rules) {
            if (!rule.responses().isEmpty() && lastUserText.contains(rule.contains())) {
                served++;
                return Optional.of(rule.responses().poll());
            }
        }
        return Optional.empty();
    }

    public synchronized void clear() {
        rules.clear();
        served = 0;
    }

    /** @param served failures answered since the last clear; pending: scripted and not served yet */
    public record Status(long served, long pending) {
    }

    public synchronized Status status() {
        return new Status(served, rules.stream().mapToLong(rule -> rule.responses().size()).sum());
    }
}
