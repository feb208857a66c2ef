package dev.promptjuggler.executor.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.promptjuggler.executor.llm.ModelTurn;
import java.util.List;

/**
 * How one prompt run ended, with everything it did on the way (the SDK reports a failed run's as well).
 *
 * @param output           the final answer's text; null when the run failed or the model gave no text
 * @param failure          why the run failed, or null when it completed
 * @param lastAttemptError the latest failed provider attempt, even when a retry recovered (SDK's {@code error})
 * @param userMessages     the prompt's rendered user messages (what memory keeps of the request)
 * @param transcript       the SDK's {@code TranscriptItem}s
 * @param emitted          the SDK's {@code EmittedItem}s
 * @param turns            every successful model turn, nested prompts' included (tokens and cost)
 * @param nested           what nested workflows (the {@code workflow} tool) spent
 */
public record PromptResult(String output, String failure, String lastAttemptError, List<String> userMessages,
        List<Object> transcript, List<PromptResult.EmittedItem> emitted, List<ModelTurn> turns, RunCosts.Spend nested) {

    /** The SDK's {@code EmittedItem}: the emit tool and its payload, verbatim. */
    public record EmittedItem(String tool, JsonNode payload) {
    }
}
