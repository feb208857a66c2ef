package dev.promptjuggler.contracts;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.UUID;

/**
 * One frame of a thread's live stream, as @promptjuggler/browser reads it. Published by run-executor to
 * {@link Topics#RUNS_STREAM}, keyed by thread id (a thread's frames stay in order on one partition); api-gateway
 * serves them to the thread's subscribers as server-sent events: the SSE {@code event} is {@link #kind}, the
 * {@code data} this record without {@link #tenantId} and {@link #threadId}, and the {@code id} a cursor the
 * gateway derives from the record's partition and offset.
 *
 * <p>Per run and channel, each model call is a segment (0, 1, ...: a tool loop's next turn is the next segment).
 * Each attempt of the call opens its segment with {@code reset} (seq 0), so a provider retry re-opens the same segment
 * and the browser discards what the failed attempt streamed; then {@code token}, {@code data} and {@code tool_start}
 * frames take seq 1, 2, ... in the order the model produced them ({@code tool_end} is found by {@code ref} and takes
 * no seq). {@code done} or {@code failure} ends the run, on every channel that streamed.
 *
 * @param kind    {@code reset}, {@code token}, {@code data}, {@code tool_start}, {@code tool_end}, {@code done},
 *                {@code failure}
 * @param channel the workflow Prompt node's channel; for a prompt run, the run's channel ({@code default} unless the
 *                run names one)
 * @param text    the delta of a {@code token} frame
 * @param tool    the tool's name ({@code data}: the emit tool; {@code tool_start}, {@code tool_end})
 * @param payload the emit tool's payload ({@code data})
 * @param ref     the tool call's id, pairing {@code tool_start} with its {@code tool_end}
 * @param status  {@code tool_end}: {@code ok} or {@code error}
 * @param code    {@code failure}: a machine-readable reason (e.g. {@code provider_error}, {@code cancelled})
 * @param message {@code failure}: the run's error as {@code getPromptRun} reports it
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StreamFrame(
        UUID tenantId,
        UUID threadId,
        UUID runId,
        String kind,
        String channel,
        int segment,
        long seq,
        String text,
        String tool,
        JsonNode payload,
        String ref,
        String status,
        String code,
        String message) {

    public static final int SCHEMA_VERSION = 1;
}
