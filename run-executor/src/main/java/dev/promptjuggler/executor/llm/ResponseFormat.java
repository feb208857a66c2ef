package dev.promptjuggler.executor.llm;

import java.util.Map;

/**
 * The SDK's {@code ResponseFormat}.
 *
 * @param type   {@code text}, {@code json_object} or {@code json_schema}
 * @param name   json_schema only: the schema's name
 * @param schema json_schema only: the JSON Schema the answer must follow
 * @param strict json_schema only
 */
public record ResponseFormat(String type, String name, Map<String, Object> schema, boolean strict) {
}
