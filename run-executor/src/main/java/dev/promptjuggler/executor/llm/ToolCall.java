package dev.promptjuggler.executor.llm;

/**
 * A function call the model asked for.
 *
 * @param id        the provider's call id (Gemini has none: the client makes one up)
 * @param arguments a JSON object, as text
 */
public record ToolCall(String id, String name, String arguments) {
}
