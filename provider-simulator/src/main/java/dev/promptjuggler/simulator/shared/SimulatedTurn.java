package dev.promptjuggler.simulator.shared;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * A request in provider-neutral terms: what the deterministic answer depends on. Each provider format reads its
 * own wire request into one.
 *
 * @param lastUserText the text of the last user message that carries text (tool results do not count)
 * @param declaresTools the request offers at least one function tool
 * @param toolResults   the tool results the conversation ends with (empty when it ends with anything else)
 * @param format        what the answer's text must be
 * @param schema        {@link Format#JSON_SCHEMA} only: the JSON Schema of the answer
 * @param webSearch     the request enables the provider's native web search
 * @param promptWords   the crude "token" count of the request's text
 */
public record SimulatedTurn(String model, String lastUserText, boolean declaresTools, List<ToolOutput> toolResults,
        Format format, JsonNode schema, boolean webSearch, int promptWords) {

    public SimulatedTurn {
        toolResults = List.copyOf(toolResults);
    }

    public enum Format { TEXT, JSON_OBJECT, JSON_SCHEMA }

    /** One tool result: the tool's name (looked up from its call when the format has only the call id). */
    public record ToolOutput(String toolName, String content) {
    }
}
