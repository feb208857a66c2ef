package dev.promptjuggler.ingest.persistence;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A search's condition on the chunks' metadata (their document's, copied when it was sealed): every key must match,
 * {@code {"team": "sales"}} by equality, {@code {"year": {"in": [2023, 2024]}}} by any of the values
 * ({@code {"eq": v}} is equality written out). Values are strings, numbers or booleans, compared as JSON (2024
 * equals 2024.0, never "2024"). Each condition is a containment ({@code metadata @> {...}}), the operator the chunks'
 * GIN index serves: the equalities together as one, an "in" as an OR of one per value.
 *
 * @param equal every key that must have exactly this value
 * @param anyOf per key, the values of which it must have one
 */
public record MetadataFilter(JsonObject equal, Map<String, List<Object>> anyOf) {

    public static final int MAX_KEYS = 20;
    public static final int MAX_VALUES = 100;
    public static final int MAX_KEY_LENGTH = 100;

    public static final MetadataFilter NONE = new MetadataFilter(new JsonObject(), Map.of());

    /**
     * @param filter the request's {@code filter}, or null for none
     * @throws IllegalArgumentException naming the part of the filter that is wrong
     */
    public static MetadataFilter parse(JsonNode filter) {
        if (filter == null || filter.isNull()) {
            return NONE;
        }
        if (!filter.isObject()) {
            throw new IllegalArgumentException("filter must be an object of metadata keys, e.g. {\"team\": \"sales\"}");
        }
        if (filter.size() > MAX_KEYS) {
            throw new IllegalArgumentException("filter has " + filter.size() + " keys; at most " + MAX_KEYS);
        }
        JsonObject equal = new JsonObject();
        Map<String, List<Object>> anyOf = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> fields = filter.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            String key = field.getKey();
            String path = "filter." + key;
            if (key.isBlank() || key.length() > MAX_KEY_LENGTH) {
                throw new IllegalArgumentException("filter keys must be 1 to " + MAX_KEY_LENGTH + " characters");
            }
            JsonNode condition = field.getValue();
            if (!condition.isObject()) {
                equal.put(key, scalar(condition, path));
                continue;
            }
            if (condition.size() != 1 || !(condition.has("in") || condition.has("eq"))) {
                throw new IllegalArgumentException(path + " must be a value or {\"in\": [values]} or {\"eq\": value}");
            }
            if (condition.has("eq")) {
                equal.put(key, scalar(condition.get("eq"), path + ".eq"));
                continue;
            }
            JsonNode values = condition.get("in");
            if (!values.isArray() || values.isEmpty() || values.size() > MAX_VALUES) {
                throw new IllegalArgumentException(path + ".in must be an array of 1 to " + MAX_VALUES + " values");
            }
            List<Object> accepted = new ArrayList<>();
            for (int i = 0; i < values.size(); i++) {
                accepted.add(scalar(values.get(i), path + ".in[" + i + "]"));
            }
            anyOf.put(key, accepted);
        }
        return new MetadataFilter(equal, anyOf);
    }

    public boolean isEmpty() {
        return equal.isEmpty() && anyOf.isEmpty();
    }

    /**
     * The SQL condition over {@code column}, its containment documents bound from parameter {@code $first} on
     * (JSON text, cast to jsonb), in the order of {@link #parameters()}; "TRUE" when there is no filter.
     */
    public String sql(String column, int first) {
        List<String> conditions = new ArrayList<>();
        int next = first;
        if (!equal.isEmpty()) {
            conditions.add(column + " @> $" + next++ + "::text::jsonb");
        }
        for (List<Object> values : anyOf.values()) {
            List<String> alternatives = new ArrayList<>();
            for (int i = 0; i < values.size(); i++) {
                alternatives.add(column + " @> $" + next++ + "::text::jsonb");
            }
            conditions.add("(" + String.join(" OR ", alternatives) + ")");
        }
        return conditions.isEmpty() ? "TRUE" : String.join(" AND ", conditions);
    }

    /** The containment documents {@link #sql} binds, as JSON text. */
    public List<String> parameters() {
        List<String> parameters = new ArrayList<>();
        if (!equal.isEmpty()) {
            parameters.add(equal.encode());
        }
        anyOf.forEach((key, values) -> values.forEach(value -> parameters.add(new JsonObject().put(key, value).encode())));
        return parameters;
    }

    private static Object scalar(JsonNode value, String path) {
        if (value.isTextual()) {
            return value.textValue();
        }
        if (value.isBoolean()) {
            return value.booleanValue();
        }
        if (value.isIntegralNumber() && value.canConvertToLong()) {
            return value.longValue();
        }
        if (value.isNumber()) {
            return value.decimalValue();
        }
        throw new IllegalArgumentException(path + " must be a string, a number or a boolean");
    }
}
