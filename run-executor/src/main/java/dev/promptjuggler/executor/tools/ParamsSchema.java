package dev.promptjuggler.executor.tools;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.util.List;
import java.util.Map;

/**
 * A tool's {@code paramsSchema}: the JSON Schema of the arguments the model must pass, shown to the model
 * and checked on every call (networknt json-schema-validator, draft 2020-12). Only local {@code $ref}s are
 * allowed, so a schema never makes the executor fetch anything.
 */
final class ParamsSchema {

    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {
    };

    private final Map<String, Object> asMap;
    private final Schema schema;

    private ParamsSchema(Map<String, Object> asMap, Schema schema) {
        this.asMap = asMap;
        this.schema = schema;
    }

    /** @throws ToolDefinitionException naming the tool when the text is not a usable object schema */
    static ParamsSchema parse(String toolName, String text, ObjectMapper json) {
        if (text == null || text.isBlank()) {
            return parse(toolName, "{\"type\":\"object\",\"properties\":{}}", json);
        }
        JsonNode node;
        try {
            node = json.readTree(text);
        } catch (Exception e) {
            throw new ToolDefinitionException("tool '" + toolName + "': paramsSchema is not JSON: " + e.getMessage());
        }
        if (!node.isObject()) {
            throw new ToolDefinitionException("tool '" + toolName + "': paramsSchema must be a JSON Schema object");
        }
        String remote = remoteRef(node);
        if (remote != null) {
            throw new ToolDefinitionException("tool '" + toolName + "': paramsSchema may only use local $ref (#...), not " + remote);
        }
        try {
            return new ParamsSchema(json.convertValue(node, OBJECT), REGISTRY.getSchema(text));
        } catch (RuntimeException e) {
            throw new ToolDefinitionException("tool '" + toolName + "': paramsSchema is not a valid JSON Schema: " + e.getMessage());
        }
    }

    Map<String, Object> asMap() {
        return asMap;
    }

    /** @return what is wrong with {@code arguments}, or null when they follow the schema */
    String violations(JsonNode arguments) {
        List<Error> errors = schema.validate(arguments);
        return errors.isEmpty() ? null : String.join("; ", errors.stream().map(Error::getMessage).toList());
    }

    private static String remoteRef(JsonNode node) {
        if (node.isObject()) {
            JsonNode ref = node.get("$ref");
            if (ref != null && ref.isTextual() && !ref.asText().startsWith("#")) {
                return ref.asText();
            }
        }
        for (JsonNode child : node) {
            String found = remoteRef(child);
            if (found != null) {
                return found;
            }
        }
        return null;
    }
}
