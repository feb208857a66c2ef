package dev.promptjuggler.executor.llm;

import java.util.Map;

/**
 * A function tool offered to the model.
 *
 * @param parameters JSON Schema of the arguments (an object schema)
 */
public record ToolSpec(String name, String description, Map<String, Object> parameters) {
}
