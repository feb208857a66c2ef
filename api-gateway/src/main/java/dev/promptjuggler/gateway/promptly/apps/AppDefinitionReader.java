package dev.promptjuggler.gateway.promptly.apps;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.promptjuggler.gateway.api.ApiException;
import dev.promptjuggler.gateway.promptly.PromptlyConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.MediaType;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * Reads an app definition: YAML ({@code application/yaml}, as Promptly's clients send it; SnakeYAML through Jackson's
 * YAML data format) or JSON. Defensive like every body the gateway reads: bounded in size and in alias expansion, no
 * key twice, no NUL character (PostgreSQL cannot store it).
 */
@ApplicationScoped
public class AppDefinitionReader {

    private static final int MAX_ALIASES = 20;

    private final ObjectMapper yaml;
    private final ObjectMapper json = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private final int maxBytes;

    public AppDefinitionReader(PromptlyConfig config) {
        this.maxBytes = config.maxAppBytes();
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(MAX_ALIASES);
        options.setCodePointLimit(maxBytes);
        this.yaml = new YAMLMapper(YAMLFactory.builder().loaderOptions(options).build())
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    }

    /** @throws ApiException 413 too large, 400 not YAML (or JSON), 422 empty or holding a NUL character */
    public JsonNode read(String body, MediaType type) {
        if (body == null || body.isBlank()) {
            throw ApiException.invalid("an app definition is required (YAML: name, input_fields, processors, output_template)");
        }
        if (body.getBytes(StandardCharsets.UTF_8).length > maxBytes) {
            throw new ApiException(413, "the app definition exceeds the limit of " + maxBytes + " bytes");
        }
        boolean isJson = type != null && type.isCompatible(MediaType.APPLICATION_JSON_TYPE);
        JsonNode tree;
        try {
            tree = (isJson ? json : yaml).readTree(body);
        } catch (JsonProcessingException e) {
            throw new ApiException(400, "malformed " + (isJson ? "JSON" : "YAML") + ": " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
                            + e.getLocation().getColumnNr() + ")"));
        }
        if (tree == null || tree.isMissingNode() || tree.isNull()) {
            throw ApiException.invalid("an app definition is required (YAML: name, input_fields, processors, output_template)");
        }
        requireNoNul(tree, "");
        return tree;
    }

    private static void requireNoNul(JsonNode node, String path) {
        if (node.isTextual() && node.asText().indexOf('\0') >= 0) {
            throw ApiException.invalid((path.isEmpty() ? "the definition" : path)
                    + " must not contain the NUL character (\\u0000)");
        }
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                requireNoNul(node.get(i), path + "[" + i + "]");
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            String at = AppMapping.at(path, field.getKey());
            if (field.getKey().indexOf('\0') >= 0) {
                throw ApiException.invalid("a key must not contain the NUL character (\\u0000)");
            }
            requireNoNul(field.getValue(), at);
        }
    }
}
