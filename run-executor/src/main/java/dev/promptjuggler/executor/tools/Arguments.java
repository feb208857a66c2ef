package dev.promptjuggler.executor.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.promptjuggler.executor.llm.ToolCall;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A tool call's arguments, which the model writes as a JSON object. */
final class Arguments {

    private Arguments() {
    }

    /** @return the arguments, or null when they are not a JSON object */
    static JsonNode parse(ToolCall call, ObjectMapper json) {
        String text = call.arguments() == null || call.arguments().isBlank() ? "{}" : call.arguments();
        try {
            JsonNode node = json.readTree(text);
            return node != null && node.isObject() ? node : null;
        } catch (Exception e) {
            return null;
        }
    }

    /** Every argument as a string, the way inputs are: text as is, anything else as its JSON. */
    static Map<String, String> asStrings(JsonNode arguments) {
        Map<String, String> strings = new LinkedHashMap<>();
        arguments.fields().forEachRemaining(field -> strings.put(field.getKey(),
                field.getValue().isTextual() ? field.getValue().asText() : field.getValue().toString()));
        return strings;
    }

    /** The JSON Schema of arguments that are all strings and all required: a nested prompt's or workflow's inputs. */
    static Map<String, Object> stringParameters(Collection<String> names) {
        Map<String, Object> properties = new LinkedHashMap<>();
        names.forEach(name -> properties.put(name, Map.of("type", "string")));
        return Map.of("type", "object", "properties", properties, "required", List.copyOf(names));
    }
}
