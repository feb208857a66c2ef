package dev.promptjuggler.contracts.prompt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What makes a prompt's tool definitions (the SDK's {@code Tool} types) well-formed. api-gateway refuses a
 * draft that breaks a rule (422 naming the tool); run-executor checks the same before a run uses them.
 * {@code mcp} and {@code script} tools are well-formed but not run by this deployment: a run that has one
 * fails with that reason.
 */
public final class ToolRules {

    public static final Set<String> TYPES = Set.of("web_search", "http", "script", "mcp", "prompt", "workflow",
            "knowledge_search", "emit");
    public static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "PATCH", "DELETE");
    /** Function names every provider accepts. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    /** Header names that carry credentials: their value must come from a {@code ${VAR}}, never be written in. */
    private static final Pattern CREDENTIAL_HEADER = Pattern.compile("(?i)authorization|.*(-key|-token|secret|api-?key)");
    private static final ObjectMapper JSON = new ObjectMapper();

    private ToolRules() {
    }

    /** @return the first problem, naming the tool, or empty when every definition is well-formed */
    public static Optional<String> problem(List<Map<String, Object>> tools) {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < tools.size(); i++) {
            Map<String, Object> tool = tools.get(i);
            String type = text(tool, "type");
            if (type == null || !TYPES.contains(type)) {
                return Optional.of("tools[" + i + "].type must be one of " + new java.util.TreeSet<>(TYPES) + ", not " + type);
            }
            if (type.equals("web_search")) {
                continue;
            }
            String name = text(tool, "name");
            if (name == null || !NAME.matcher(name).matches()) {
                return Optional.of("tools[" + i + "].name must be 1-64 letters, digits, _ or -, not " + name);
            }
            if (!names.add(name)) {
                return Optional.of("tools[" + i + "]: two tools are named '" + name + "'");
            }
            String problem = problem(type, tool);
            if (problem != null) {
                return Optional.of("tool '" + name + "': " + problem);
            }
        }
        return Optional.empty();
    }

    private static String problem(String type, Map<String, Object> tool) {
        switch (type) {
            case "http" -> {
                String url = text(tool, "url");
                if (url == null || url.isBlank()) {
                    return "url is required";
                }
                String method = String.valueOf(tool.getOrDefault("method", "GET")).toUpperCase(Locale.ROOT);
                if (!METHODS.contains(method)) {
                    return "method must be one of " + new java.util.TreeSet<>(METHODS) + ", not " + method;
                }
                if (tool.get("headers") instanceof List<?> headers) {
                    for (Object item : headers) {
                        if (!(item instanceof Map<?, ?> header) || !(header.get("key") instanceof String key)) {
                            return "headers must be [{key, value}]";
                        }
                        if (credential(key) && !String.valueOf(header.get("value")).contains("${")) {
                            return "header " + key + " carries a credential and must take it from an environment"
                                    + " variable (${NAME})";
                        }
                    }
                }
                return schemaProblem(tool);
            }
            case "emit" -> {
                return schemaProblem(tool);
            }
            case "knowledge_search" -> {
                String base = text(tool, "knowledgeBaseId");
                return base == null || base.isBlank() ? "knowledgeBaseId is required" : null;
            }
            case "prompt", "workflow" -> {
                return tool.get("versionRef") instanceof Map<?, ?> ref && ref.get("definitionId") != null
                        && ref.get("idOrTag") != null ? null : "versionRef {definitionId, idOrTag} is required";
            }
            default -> {
                return null;
            }
        }
    }

    /**
     * The SDK's {@code Tool} schema, checked when a prompt is published (a draft may be saved incomplete): each
     * type's required fields with their JSON types ({@code failFast} a boolean, {@code paramsSchema} JSON Schema
     * text, {@code versionRef} {@code {definitionId, idOrTag}} with a string id and a number or string version),
     * and the optional ones' types. The SDKs' decoders refuse a tool that breaks it.
     *
     * @return the first problem, naming the field ({@code tools[1].failFast …}), or empty
     */
    public static Optional<String> sdkSchemaProblem(List<Map<String, Object>> tools) {
        for (int i = 0; i < tools.size(); i++) {
            String problem = sdkSchemaProblem(tools.get(i));
            if (problem != null) {
                return Optional.of("tools[" + i + "]." + problem);
            }
        }
        return Optional.empty();
    }

    private static String sdkSchemaProblem(Map<String, Object> tool) {
        String type = text(tool, "type");
        if (type == null || !TYPES.contains(type)) {
            return "type must be one of " + new java.util.TreeSet<>(TYPES);
        }
        if (type.equals("web_search")) {
            return stringsOrNull(tool, "allowedDomains");
        }
        String problem = firstOf(requiredString(tool, "name"), type.equals("mcp") ? null : requiredBoolean(tool, "failFast"),
                optionalString(tool, "description"));
        if (problem != null) {
            return problem;
        }
        return switch (type) {
            case "emit" -> requiredSchema(tool);
            case "http" -> firstOf(requiredString(tool, "url"), requiredSchema(tool),
                    tool.get("method") instanceof String method && METHODS.contains(method) ? null
                            : "method must be one of " + new java.util.TreeSet<>(METHODS),
                    headersProblem(tool.get("headers")));
            case "knowledge_search" -> requiredString(tool, "knowledgeBaseId");
            case "prompt", "workflow" -> versionRefProblem(tool.get("versionRef"));
            case "script" -> firstOf(tool.get("language") instanceof String language
                            && (language.equals("python") || language.equals("javascript")) ? null
                            : "language must be python or javascript",
                    requiredString(tool, "code"));
            case "mcp" -> firstOf(requiredString(tool, "url"), optionalString(tool, "authorizationToken"),
                    stringsOrNull(tool, "allowedTools"));
            default -> null;
        };
    }

    private static String versionRefProblem(Object value) {
        if (!(value instanceof Map<?, ?> ref)) {
            return "versionRef must be an object {definitionId, idOrTag}";
        }
        if (!(ref.get("definitionId") instanceof String id) || id.isBlank()) {
            return "versionRef.definitionId must be a non-empty string";
        }
        Object idOrTag = ref.get("idOrTag");
        boolean number = idOrTag instanceof Integer || idOrTag instanceof Long;
        boolean text = idOrTag instanceof String version && !version.isBlank();
        return number || text ? null : "versionRef.idOrTag must be a version number or a non-empty string";
    }

    private static String headersProblem(Object headers) {
        if (headers == null) {
            return null;
        }
        if (!(headers instanceof List<?> list)) {
            return "headers must be an array of {key, value}";
        }
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof Map<?, ?> header) || !(header.get("key") instanceof String)
                    || !(header.get("value") instanceof String)) {
                return "headers[" + i + "] must be {key, value} with string values";
            }
        }
        return null;
    }

    private static String requiredSchema(Map<String, Object> tool) {
        String missing = requiredString(tool, "paramsSchema");
        if (missing != null) {
            return missing + " (a JSON Schema object, as JSON text)";
        }
        return schemaProblem(tool);
    }

    private static String requiredString(Map<String, Object> tool, String field) {
        return tool.get(field) instanceof String value && !value.isBlank() ? null
                : field + " is required and must be a non-empty string";
    }

    private static String optionalString(Map<String, Object> tool, String field) {
        Object value = tool.get(field);
        return value == null || value instanceof String ? null : field + " must be a string or null";
    }

    private static String requiredBoolean(Map<String, Object> tool, String field) {
        return tool.get(field) instanceof Boolean ? null : field + " is required and must be true or false";
    }

    private static String stringsOrNull(Map<String, Object> tool, String field) {
        Object value = tool.get(field);
        if (value == null) {
            return null;
        }
        return value instanceof List<?> list && list.stream().allMatch(String.class::isInstance) ? null
                : field + " must be an array of strings or null";
    }

    private static String firstOf(String... problems) {
        for (String problem : problems) {
            if (problem != null) {
                return problem;
            }
        }
        return null;
    }

    /** Whether a header with this name carries a credential. */
    public static boolean credential(String headerName) {
        return CREDENTIAL_HEADER.matcher(headerName).matches();
    }

    /** A schema may hold placeholders, rendered per run; it must still read as a JSON object here. */
    private static String schemaProblem(Map<String, Object> tool) {
        String schema = text(tool, "paramsSchema");
        if (schema == null || schema.isBlank()) {
            return null;
        }
        try {
            JsonNode node = JSON.readTree(schema);
            return node != null && node.isObject() ? null : "paramsSchema must be a JSON Schema object";
        } catch (Exception e) {
            return "paramsSchema is not JSON: " + e.getMessage().lines().findFirst().orElse("");
        }
    }

    /**
     * A schema as the SDK carries it: JSON text (or, leniently, an object already).
     *
     * @return the schema as a map, or null when it is not a JSON object
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> jsonObject(Object schema) {
        if (schema instanceof Map<?, ?> map) {
            return (Map<String, Object>) map;
        }
        if (!(schema instanceof String text) || text.isBlank()) {
            return null;
        }
        try {
            JsonNode node = JSON.readTree(text);
            return node != null && node.isObject() ? JSON.convertValue(node, Map.class) : null;
        } catch (Exception e) {
            return null;
        }
    }

    private static String text(Map<String, Object> tool, String key) {
        Object value = tool.get(key);
        return value == null ? null : String.valueOf(value);
    }
}
