package dev.promptjuggler.gateway.persistence;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * jsonb columns travel as text ({@code $n::text::jsonb} in, {@code column::text} out) and are written
 * with the application's ObjectMapper, so stored JSON has exactly the API's shape. They are read with
 * Jackson's defaults rather than as strictly as request bodies ({@code StrictJson}): a workflow published
 * before bodies were bound exactly may hold a number where a string is now required, and must still run.
 */
@ApplicationScoped
public class JsonColumns {

    private final ObjectMapper mapper;
    private final ObjectMapper stored = JsonMapper.builder().findAndAddModules()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    public JsonColumns(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public String write(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not serialisable as JSON: " + value.getClass(), e);
        }
    }

    public <T> T read(String json, Class<T> type) {
        try {
            return json == null ? null : stored.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored JSON does not match " + type.getSimpleName(), e);
        }
    }

    public JsonNode tree(String json) {
        return read(json, JsonNode.class);
    }
}
