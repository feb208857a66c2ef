package dev.promptjuggler.contracts;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

/**
 * A run reached its final state, which is committed before this event is published. Published by
 * run-executor to {@link Topics#RUNS_FINISHED}, keyed by run id. Public: the same event the
 * {@code promptrun.finished} / {@code workflowrun.finished} webhooks announce.
 *
 * @param environment the environment the run was started in; webhook endpoints match it by glob
 */
public record RunFinished(
        UUID runId,
        UUID tenantId,
        RunKind kind,
        RunStatus status,
        String environment,
        Instant finishedAt) {

    public static final int SCHEMA_VERSION = 1;

    public String type() {
        return kind.finishedEventType();
    }

    /**
     * The event id (CloudEvents {@code id}), derived from the run: a notice published again carries the
     * same id, so every consumer can deduplicate it.
     */
    public UUID eventId() {
        return eventId(kind, runId);
    }

    /** The id of the finished event of a run, known before (and whether or not) it is published. */
    public static UUID eventId(RunKind kind, UUID runId) {
        return UUID.nameUUIDFromBytes((kind.finishedEventType() + "/" + runId).getBytes(StandardCharsets.UTF_8));
    }
}
