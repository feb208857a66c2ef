package dev.promptjuggler.executor.llm;

import java.util.List;

/** One message of a conversation, in provider-neutral terms. */
public sealed interface ChatMessage {

    /** What the user said (a rendered prompt message, or a remembered one). */
    record User(String text) implements ChatMessage {
    }

    /** What the model said: text, tool calls, or both. */
    record Assistant(String text, List<ToolCall> toolCalls) implements ChatMessage {
        public Assistant {
            toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
        }

        public Assistant(String text) {
            this(text, List.of());
        }
    }

    /**
     * The answer to one tool call. Providers that group results into one message (Anthropic, Gemini) merge
     * consecutive results.
     *
     * @param error the tool failed and {@code content} says why
     */
    record ToolResult(String callId, String toolName, String content, boolean error) implements ChatMessage {
    }
}
