package dev.promptjuggler.executor.service;

import dev.promptjuggler.executor.llm.ChatMessage;
import dev.promptjuggler.executor.stream.RunStream;
import io.opentelemetry.context.Context;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What one prompt runs with.
 *
 * @param history the thread memory the prompt reads (empty for stateless and write-only prompts)
 * @param depth   how many levels of nested runs it is inside: 0 for a run's own prompt and a top-level workflow's
 *                Prompt nodes, one more for each prompt or workflow tool, Workflow node or Fanout workflow between
 *                (bounded by {@code executor.max-nesting-depth})
 * @param stream  where the prompt's model calls and tools show on the run's live stream
 * @param trace   the span its provider calls and tool calls belong under: the run's, or a workflow node's
 */
public record PromptInput(UUID tenantId, UUID runId, UUID threadId, Map<String, String> inputs,
        Map<String, String> variables, List<ChatMessage> history, int depth, RunStream.Channel stream, Context trace) {

    /** A prompt that streams nothing. */
    public PromptInput(UUID tenantId, UUID runId, UUID threadId, Map<String, String> inputs,
            Map<String, String> variables, List<ChatMessage> history, int depth, Context trace) {
        this(tenantId, runId, threadId, inputs, variables, history, depth, RunStream.NONE.channel(""), trace);
    }

    /**
     * A prompt called by this one (a tool): same run, its own inputs, no memory, one level deeper; not streamed, its
     * answer is the tool's result, not the run's.
     */
    public PromptInput nested(Map<String, String> nestedInputs) {
        return new PromptInput(tenantId, runId, threadId, nestedInputs, variables, List.of(), depth + 1,
                RunStream.NONE.channel(""), trace);
    }
}
