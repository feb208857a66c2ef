package dev.promptjuggler.simulator.shared;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The deterministic answer in provider-neutral terms; each provider format writes it in its own shape.
 *
 * @param text      the answer's text, or null when the answer is only tool calls
 * @param toolCalls tool calls scripted by {@code @tool} directives (empty otherwise)
 * @param search    the simulated native web search, or null
 */
public record SimulatedReply(String text, List<ToolCall> toolCalls, Search search, int completionWords) {

    public SimulatedReply {
        toolCalls = List.copyOf(toolCalls);
    }

    /** @param index the call's position in the answer, for ids */
    public record ToolCall(int index, String name, ObjectNode arguments) {
    }

    /** One search with one result. */
    public record Search(String query, String title, String url) {
    }
}
