package dev.promptjuggler.executor.persistence;

/**
 * An event to publish again, with the trace of the run it is about: the {@code traceparent} the gateway stored
 * with the run (null when that request was not traced), so a re-publication continues the run's trace.
 */
public record Traced<T>(T event, String traceparent) {
}
