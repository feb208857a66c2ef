package dev.promptjuggler.contracts;

import java.time.Instant;
import java.util.UUID;

/**
 * A caller asked to stop a run ({@code POST /manage/v1/runs/{id}/cancel}). Published by api-gateway to
 * {@code runs.cancel}, keyed by run id, after the request is stored ({@code gateway.run_cancellations}): the
 * record only tells the executor holding the run to stop it now; a run claimed later finds the stored request
 * and is ended without executing.
 */
public record RunCancelRequested(UUID runId, UUID tenantId, Instant requestedAt) {

    public static final String TYPE = EventTypes.RUN_CANCEL_REQUESTED;
    public static final int SCHEMA_VERSION = 1;
}
