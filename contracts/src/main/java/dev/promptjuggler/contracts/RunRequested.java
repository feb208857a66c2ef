package dev.promptjuggler.contracts;

import java.time.Instant;
import java.util.UUID;

/**
 * A run was accepted and awaits execution. Published by api-gateway to the topic of its priority, keyed
 * by thread id so one thread's turns stay in order. It carries references only: inputs and per-run
 * variables stay in PostgreSQL, so nothing secret travels through Kafka.
 */
public record RunRequested(
        UUID runId,
        UUID tenantId,
        UUID threadId,
        RunKind kind,
        Priority priority,
        UUID revisionId,
        Instant acceptedAt) {

    public static final String TYPE = EventTypes.RUN_REQUESTED;
    public static final int SCHEMA_VERSION = 1;
}
