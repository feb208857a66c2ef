package dev.promptjuggler.simulator.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.promptjuggler.simulator.shared.JsonBodies;
import dev.promptjuggler.simulator.shared.ProviderRequestException;
import dev.promptjuggler.simulator.shared.SimulatedText;
import dev.promptjuggler.simulator.shared.SimulatedTurn;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses and validates a raw {@code POST /v1/messages} body the way Anthropic does (400 {@code
 * invalid_request_error} naming the field, e.g. {@code max_tokens: Field required}) and reads it into a
 * {@link SimulatedTurn}.
 */
@ApplicationScoped
public class MessagesRequestReader {

    static final String UNPARSEABLE = "There was an error parsing the body of your request: expected a JSON object.";

    public SimulatedTurn read(byte[] body) {
        JsonNode root = JsonBodies.object(body, UNPARSEABLE);
        JsonNode model = root.path("model");
        if (!model.isTextual() || model.asText().isBlank()) {
            throw required(root, "model", "a non-empty string");
        }
        JsonNode maxTokens = root.path("max_tokens");
        if (!maxTokens.isIntegralNumber() || maxTokens.asLong() < 1) {
            throw required(root, "max_tokens", "an integer greater than or equal to 1");
        }
        if (root.has("stream") && !root.get("stream").isBoolean()) {
            throw ProviderRequestException.badRequest("stream: Input should be a valid boolean");
        }
        for (String number : new String[] {"temperature", "top_p", "top_k"}) {
            if (root.has(number) && !root.get(number).isNumber()) {
                throw ProviderRequestException.badRequest(number + ": Input should be a valid number");
            }
        }
        JsonNode messages = root.path("messages");
        if (!messages.isArray()) {
            throw required(root, "messages", "a list");
        }
        if (messages.isEmpty()) {
            throw ProviderRequestException.badRequest("messages: at least one message is required");
        }
        int promptWords = SimulatedText.countWords(JsonBodies.text(root.get("system")));
        String lastUserText = "";
        Map<String, String> toolNames = new HashMap<>();
        List<SimulatedTurn.ToolOutput> trailingResults = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            JsonNode message = messages.get(i);
            String role = message.path("role").asText();
            if (!"user".equals(role) && !"assistant".equals(role)) {
                throw ProviderRequestException.badRequest("messages." + i + ".role: Input should be 'user' or 'assistant'");
            }
            JsonNode content = message.get("content");
            if (content == null || !(content.isTextual() || content.isArray())) {
                throw ProviderRequestException.badRequest("messages." + i + ".content: Input should be a valid string or list of content blocks");
            }
            trailingResults.clear();
            String text = JsonBodies.text(content);
            promptWords += SimulatedText.countWords(text);
            for (JsonNode block : content.isArray() ? content : List.<JsonNode>of()) {
                switch (block.path("type").asText()) {
                    case "tool_use" -> toolNames.put(block.path("id").asText(), block.path("name").asText());
                    case "tool_result" -> {
                        String result = JsonBodies.text(block.get("content"));
                        promptWords += SimulatedText.countWords(result);
                        String id = block.path("tool_use_id").asText();
                        trailingResults.add(new SimulatedTurn.ToolOutput(toolNames.getOrDefault(id, id), result));
                    }
                    default -> {
                    }
                }
            }
            if ("user".equals(role) && !text.isEmpty()) {
                lastUserText = text;
            }
        }
        boolean declaresTools = false;
        boolean webSearch = false;
        for (JsonNode tool : root.path("tools")) {
            String type = tool.path("type").asText("custom");
            declaresTools |= "custom".equals(type);
            webSearch |= type.startsWith("web_search_");
        }
        // output_config.format is the GA field; output_format its earlier beta spelling.
        JsonNode format = root.path("output_config").path("format");
        if (format.isMissingNode()) {
            format = root.path("output_format");
        }
        boolean schema = "json_schema".equals(format.path("type").asText());
        return new SimulatedTurn(model.asText(), lastUserText, declaresTools, trailingResults,
                schema ? SimulatedTurn.Format.JSON_SCHEMA : SimulatedTurn.Format.TEXT,
                schema ? format.path("schema") : null, webSearch, promptWords);
    }

    private static ProviderRequestException required(JsonNode root, String field, String expected) {
        return ProviderRequestException.badRequest(root.has(field) ? field + ": Input should be " + expected
                : field + ": Field required");
    }

    /** Whether a request {@link #read} accepted asks for a streamed answer. */
    static boolean streams(byte[] body) {
        return JsonBodies.object(body, UNPARSEABLE).path("stream").asBoolean(false);
    }
}
