package dev.promptjuggler.executor.tools;

import com.fasterxml.jackson.databind.JsonNode;
import dev.promptjuggler.executor.llm.ModelTurn;
import dev.promptjuggler.executor.service.RunCosts.Spend;
import java.util.List;

/**
 * How one tool call ended: the text handed back to the model, and what the run keeps of it.
 *
 * @param failed  the call failed and {@code content} says why (the model sees it; {@code failFast} ends the run)
 * @param emitted an emit tool's payload, or null
 * @param turns   model turns a nested prompt took (they count towards the run's tokens and cost)
 * @param spent   what a nested workflow spent (counted the same way)
 */
public record ToolOutcome(String content, boolean failed, JsonNode emitted, List<ModelTurn> turns, Spend spent) {

    public static ToolOutcome ok(String content) {
        return new ToolOutcome(content, false, null, List.of(), Spend.NONE);
    }

    public static ToolOutcome failed(String reason) {
        return new ToolOutcome(reason, true, null, List.of(), Spend.NONE);
    }

    ToolOutcome withTurns(List<ModelTurn> nested) {
        return new ToolOutcome(content, failed, emitted, List.copyOf(nested), spent);
    }

    ToolOutcome withSpent(Spend nested) {
        return new ToolOutcome(content, failed, emitted, turns, nested);
    }
}
