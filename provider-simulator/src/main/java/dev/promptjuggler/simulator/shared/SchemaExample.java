package dev.promptjuggler.simulator.shared;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;

/**
 * The smallest value valid against a JSON Schema, for structured-output answers: every declared property, the
 * first enum or const value, strings of their minimum length, numbers at their minimum, arrays of their minimum
 * size; the first branch of anyOf/oneOf, every branch of allOf, local {@code $ref}s. Enough for the schemas
 * prompts use; not a full JSON Schema implementation.
 */
public final class SchemaExample {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final int MAX_DEPTH = 16;

    private SchemaExample() {
    }

    public static JsonNode of(JsonNode schema) {
        return value(schema, schema, 0);
    }

    private static JsonNode value(JsonNode schema, JsonNode root, int depth) {
        if (schema == null || !schema.isObject() || depth > MAX_DEPTH) {
            return NODES.objectNode();
        }
        if (schema.has("$ref")) {
            return value(resolve(schema.get("$ref").asText(), root), root, depth + 1);
        }
        if (schema.has("const")) {
            return schema.get("const");
        }
        if (schema.path("enum").isArray() && !schema.get("enum").isEmpty()) {
            return schema.get("enum").get(0);
        }
        for (String branch : new String[] {"anyOf", "oneOf"}) {
            if (schema.path(branch).isArray() && !schema.get(branch).isEmpty()) {
                return value(schema.get(branch).get(0), root, depth + 1);
            }
        }
        if (schema.path("allOf").isArray()) {
            ObjectNode merged = NODES.objectNode();
            schema.get("allOf").forEach(part -> {
                if (value(part, root, depth + 1) instanceof ObjectNode object) {
                    merged.setAll(object);
                }
            });
            return merged;
        }
        return switch (type(schema)) {
            case "string" -> NODES.textNode("x".repeat(schema.path("minLength").asInt(0)));
            case "integer" -> NODES.numberNode(schema.path("minimum").asLong(0));
            case "number" -> NODES.numberNode(schema.path("minimum").asDouble(0));
            case "boolean" -> NODES.booleanNode(false);
            case "null" -> NODES.nullNode();
            case "array" -> {
                ArrayNode array = NODES.arrayNode();
                for (int i = 0; i < schema.path("minItems").asInt(0); i++) {
                    array.add(value(schema.get("items"), root, depth + 1));
                }
                yield array;
            }
            default -> {
                ObjectNode object = NODES.objectNode();
                Iterator<Map.Entry<String, JsonNode>> properties = schema.path("properties").fields();
                while (properties.hasNext()) {
                    Map.Entry<String, JsonNode> property = properties.next();
                    object.set(property.getKey(), value(property.getValue(), root, depth + 1));
                }
                yield object;
            }
        };
    }

    /** The first non-null type; "object" when none is given. */
    private static String type(JsonNode schema) {
        JsonNode type = schema.get("type");
        if (type != null && type.isArray()) {
            for (JsonNode option : type) {
                if (!"null".equals(option.asText())) {
                    return option.asText().toLowerCase(java.util.Locale.ROOT);
                }
            }
            return "null";
        }
        // Gemini's responseSchema spells types in capitals (STRING, OBJECT).
        return type != null && type.isTextual() ? type.asText().toLowerCase(java.util.Locale.ROOT) : "object";
    }

    /** {@code #/$defs/name} and {@code #/definitions/name}. */
    private static JsonNode resolve(String ref, JsonNode root) {
        return ref.startsWith("#") ? root.at(ref.substring(1)) : null;
    }
}
