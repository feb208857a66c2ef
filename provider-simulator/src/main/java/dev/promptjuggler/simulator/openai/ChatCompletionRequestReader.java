package dev.promptjuggler.simulator.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.util.List;
import java.util.Set;

/**
 * Parses and validates a raw {@code POST /v1/chat/completions} body the way OpenAI does, producing OpenAI-shaped
 * 400 errors ({@code invalid_request_error} with {@code param} naming the offending field) for anything wrong.
 *
 * <p>The body is read here rather than by the REST layer so that malformed JSON, too, is answered in OpenAI's
 * error format, and so the response id can be derived from the exact bytes sent.
 */
@ApplicationScoped
public class ChatCompletionRequestReader {

    /** Roles OpenAI accepts in {@code messages[].role}. */
    static final List<String> ROLES = List.of("system", "assistant", "user", "function", "tool", "developer");
    private static final Set<String> ROLES_WITHOUT_REQUIRED_CONTENT = Set.of("assistant", "function");

    static final String UNPARSEABLE_JSON = "We could not parse the JSON body of your request. (HINT: This likely means"
            + " you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent"
            + " was not valid JSON.)";

    private final ObjectMapper mapper;

    public ChatCompletionRequestReader(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /**
     * @throws OpenAiApiException (400) when the body is not valid JSON or not a valid chat completion request
     */
    public ChatCompletionRequest read(byte[] body) {
        JsonNode root;
        try {
            root = body == null || body.length == 0 ? null : mapper.readTree(body);
        } catch (IOException e) {
            throw OpenAiApiException.badRequest(UNPARSEABLE_JSON, null, null);
        }
        if (root == null || root.isMissingNode()) {
            throw OpenAiApiException.badRequest(UNPARSEABLE_JSON, null, null);
        }
        if (!root.isObject()) {
            throw OpenAiApiException.badRequest("Invalid type for request body: expected an object, but got "
                    + describe(root) + " instead.", null, "invalid_type");
        }
        validateModel(root.get("model"));
        validateMessages(root.get("messages"));
        validateStream(root.get("stream"));
        try {
            return mapper.treeToValue(root, ChatCompletionRequest.class);
        } catch (JsonMappingException e) {
            String param = paramOf(e);
            throw OpenAiApiException.badRequest("Invalid type for '" + param + "'.", param, "invalid_type");
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw OpenAiApiException.badRequest(UNPARSEABLE_JSON, null, null);
        }
    }

    private static void validateModel(JsonNode model) {
        if (model == null || model.isNull()) {
            throw missing("model");
        }
        if (!model.isTextual()) {
            throw invalidType("model", "a string", model);
        }
        if (model.textValue().isBlank()) {
            throw OpenAiApiException.badRequest("Invalid 'model': empty string. Expected a non-empty model name.",
                    "model", "empty_string");
        }
    }

    private static void validateMessages(JsonNode messages) {
        if (messages == null || messages.isNull()) {
            throw missing("messages");
        }
        if (!messages.isArray()) {
            throw invalidType("messages", "an array", messages);
        }
        if (messages.isEmpty()) {
            throw OpenAiApiException.badRequest("Invalid 'messages': empty array. Expected an array with minimum"
                    + " length 1, but got an empty array instead.", "messages", "empty_array");
        }
        for (int i = 0; i < messages.size(); i++) {
            validateMessage(messages.get(i), "messages[" + i + "]");
        }
    }

    private static void validateMessage(JsonNode message, String path) {
        if (!message.isObject()) {
            throw invalidType(path, "an object", message);
        }
        JsonNode role = message.get("role");
        if (role == null || role.isNull()) {
            throw missing(path + ".role");
        }
        if (!role.isTextual()) {
            throw invalidType(path + ".role", "a string", role);
        }
        if (!ROLES.contains(role.textValue())) {
            throw OpenAiApiException.badRequest("Invalid value: '" + role.textValue() + "'. Supported values are: "
                    + "'system', 'assistant', 'user', 'function', 'tool', and 'developer'.", path + ".role",
                    "invalid_value");
        }
        JsonNode content = message.get("content");
        if (content == null || content.isNull()) {
            if (!ROLES_WITHOUT_REQUIRED_CONTENT.contains(role.textValue())) {
                throw missing(path + ".content");
            }
            return;
        }
        if (content.isTextual()) {
            return;
        }
        if (!content.isArray()) {
            throw invalidType(path + ".content", "one of a string or array of objects", content);
        }
        for (int p = 0; p < content.size(); p++) {
            validatePart(content.get(p), path + ".content[" + p + "]");
        }
    }

    private static void validatePart(JsonNode part, String path) {
        if (!part.isObject()) {
            throw invalidType(path, "an object", part);
        }
        JsonNode type = part.get("type");
        if (type == null || type.isNull()) {
            throw missing(path + ".type");
        }
        if (!type.isTextual()) {
            throw invalidType(path + ".type", "a string", type);
        }
        if ("text".equals(type.textValue())) {
            JsonNode text = part.get("text");
            if (text == null || text.isNull()) {
                throw missing(path + ".text");
            }
            if (!text.isTextual()) {
                throw invalidType(path + ".text", "a string", text);
            }
        }
        // Other part types (image_url, input_audio, file, ...) are accepted and contribute no text.
    }

    private static void validateStream(JsonNode stream) {
        if (stream == null || stream.isNull()) {
            return;
        }
        if (!stream.isBoolean()) {
            throw invalidType("stream", "a boolean", stream);
        }
    }

    private static OpenAiApiException missing(String param) {
        return OpenAiApiException.badRequest("Missing required parameter: '" + param + "'.", param,
                "missing_required_parameter");
    }

    private static OpenAiApiException invalidType(String param, String expected, JsonNode actual) {
        return OpenAiApiException.badRequest("Invalid type for '" + param + "': expected " + expected + ", but got "
                + describe(actual) + " instead.", param, "invalid_type");
    }

    private static String describe(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT, POJO -> "an object";
            case STRING -> "a string";
            case BOOLEAN -> "a boolean";
            case NUMBER -> node.isIntegralNumber() ? "an integer" : "a decimal";
            case NULL, MISSING -> "null";
            case BINARY -> "binary data";
        };
    }

    /** {@code messages[0].name}-style path of the field a Jackson mapping error is about. */
    private static String paramOf(JsonMappingException e) {
        StringBuilder param = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (!param.isEmpty()) {
                    param.append('.');
                }
                param.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                param.append('[').append(ref.getIndex()).append(']');
            }
        }
        return param.isEmpty() ? "body" : param.toString();
    }
}
