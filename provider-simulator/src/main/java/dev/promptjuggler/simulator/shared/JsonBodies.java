package dev.promptjuggler.simulator.shared;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/** Reading and checking raw JSON request bodies; failures are {@link ProviderRequestException}s (400). */
public final class JsonBodies {

    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonBodies() {
    }

    /** The body as a JSON object. */
    public static JsonNode object(byte[] body, String unparseable) {
        JsonNode root;
        try {
            root = body == null || body.length == 0 ? null : JSON.readTree(body);
        } catch (IOException e) {
            throw ProviderRequestException.badRequest(unparseable);
        }
        if (root == null || !root.isObject()) {
            throw ProviderRequestException.badRequest(unparseable);
        }
        return root;
    }

    /** The text of a string, or of an array's {@code {"text": ...}} items joined by a space. */
    public static String text(JsonNode content) {
        if (content == null || content.isNull() || content.isMissingNode()) {
            return "";
        }
        if (content.isTextual()) {
            return content.textValue();
        }
        StringBuilder text = new StringBuilder();
        for (JsonNode part : content) {
            if (part.path("text").isTextual() && (!part.has("type") || "text".equals(part.path("type").asText()))) {
                if (!text.isEmpty()) {
                    text.append(' ');
                }
                text.append(part.path("text").textValue());
            }
        }
        return text.toString();
    }
}
