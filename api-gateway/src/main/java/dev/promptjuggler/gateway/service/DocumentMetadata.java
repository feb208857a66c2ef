package dev.promptjuggler.gateway.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.promptjuggler.gateway.api.ApiException;
import io.vertx.core.json.JsonObject;
import java.util.Iterator;
import java.util.Map;

/**
 * A document's metadata as both APIs accept it: a JSON object of at most {@value #MAX_KEYS} keys of 1 to
 * {@value #MAX_KEY_LENGTH} characters, whose values are strings (at most {@value #MAX_STRING_LENGTH} characters),
 * numbers or booleans: what a search filter compares (knowledge-ingest's MetadataFilter), so nothing is stored that a
 * filter could never match. Keys are stored as given; the Promptly API shows them as {@code md_<key>}.
 */
public final class DocumentMetadata {

    public static final int MAX_KEYS = 32;
    public static final int MAX_KEY_LENGTH = 100;
    public static final int MAX_STRING_LENGTH = 1000;

    private DocumentMetadata() {
    }

    /**
     * @param given the request's metadata, or null (none: an empty map)
     * @param field its name in the request, for errors (422 naming it)
     */
    public static JsonObject of(JsonNode given, String field) {
        if (given == null || given.isNull()) {
            return new JsonObject();
        }
        if (!given.isObject()) {
            throw ApiException.invalid(field + " must be an object");
        }
        if (given.size() > MAX_KEYS) {
            throw ApiException.invalid(field + " has " + given.size() + " keys; at most " + MAX_KEYS);
        }
        JsonObject metadata = new JsonObject();
        for (Iterator<Map.Entry<String, JsonNode>> fields = given.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = fields.next();
            String key = entry.getKey();
            if (key.isBlank() || key.length() > MAX_KEY_LENGTH) {
                throw ApiException.invalid(field + " keys must be 1 to " + MAX_KEY_LENGTH + " characters");
            }
            JsonNode value = entry.getValue();
            String path = field + "." + key;
            if (value.isTextual()) {
                if (value.textValue().length() > MAX_STRING_LENGTH) {
                    throw ApiException.invalid(path + " is longer than " + MAX_STRING_LENGTH + " characters");
                }
                metadata.put(key, value.textValue());
            } else if (value.isBoolean()) {
                metadata.put(key, value.booleanValue());
            } else if (value.isIntegralNumber() && value.canConvertToLong()) {
                metadata.put(key, value.longValue());
            } else if (value.isNumber()) {
                metadata.put(key, value.decimalValue());
            } else {
                throw ApiException.invalid(path + " must be a string, a number or a boolean");
            }
        }
        return metadata;
    }
}
