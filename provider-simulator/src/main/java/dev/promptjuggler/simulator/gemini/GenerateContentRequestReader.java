package dev.promptjuggler.simulator.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import dev.promptjuggler.simulator.shared.JsonBodies;
import dev.promptjuggler.simulator.shared.ProviderRequestException;
import dev.promptjuggler.simulator.shared.SimulatedText;
import dev.promptjuggler.simulator.shared.SimulatedTurn;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses and validates a raw {@code generateContent} body the way Gemini does (400 {@code INVALID_ARGUMENT}) and
 * reads it into a {@link SimulatedTurn}. Gemini accepts both camelCase and snake_case field names; so does this.
 */
@ApplicationScoped
public class GenerateContentRequestReader {

    static final String UNPARSEABLE = "Invalid JSON payload received. Expected a JSON object.";

    public SimulatedTurn read(String model, byte[] body) {
        JsonNode root = JsonBodies.object(body, UNPARSEABLE);
        JsonNode contents = root.path("contents");
        if (!contents.isArray() || contents.isEmpty()) {
            throw ProviderRequestException.badRequest("* GenerateContentRequest.contents: contents is not specified");
        }
        int promptWords = SimulatedText.countWords(JsonBodies.text(field(root, "systemInstruction", "system_instruction").path("parts")));
        String lastUserText = "";
        List<SimulatedTurn.ToolOutput> trailingResults = new ArrayList<>();
        for (int i = 0; i < contents.size(); i++) {
            JsonNode content = contents.get(i);
            String role = content.path("role").asText("user");
            if (!"user".equals(role) && !"model".equals(role)) {
                throw ProviderRequestException.badRequest("* GenerateContentRequest.contents[" + i
                        + "].role: Please use a valid role: user, model.");
            }
            JsonNode parts = content.path("parts");
            if (!parts.isArray() || parts.isEmpty()) {
                throw ProviderRequestException.badRequest("* GenerateContentRequest.contents[" + i
                        + "].parts: contents.parts must not be empty.");
            }
            trailingResults.clear();
            String text = JsonBodies.text(parts);
            promptWords += SimulatedText.countWords(text);
            for (JsonNode part : parts) {
                JsonNode response = field(part, "functionResponse", "function_response");
                if (!response.isMissingNode()) {
                    JsonNode payload = response.path("response");
                    String result = payload.path("result").isTextual() ? payload.path("result").asText()
                            : payload.path("error").isTextual() ? payload.path("error").asText() : payload.toString();
                    promptWords += SimulatedText.countWords(result);
                    trailingResults.add(new SimulatedTurn.ToolOutput(response.path("name").asText(), result));
                }
            }
            if ("user".equals(role) && !text.isEmpty()) {
                lastUserText = text;
            }
        }
        boolean declaresTools = false;
        boolean webSearch = false;
        for (JsonNode tool : root.path("tools")) {
            declaresTools |= !field(tool, "functionDeclarations", "function_declarations").path(0).isMissingNode();
            webSearch |= !field(tool, "google_search", "googleSearch").isMissingNode();
        }
        JsonNode config = field(root, "generationConfig", "generation_config");
        JsonNode schema = field(config, "responseJsonSchema", "response_json_schema");
        if (schema.isMissingNode()) {
            schema = field(config, "responseSchema", "response_schema");
        }
        boolean json = "application/json".equals(field(config, "responseMimeType", "response_mime_type").asText());
        SimulatedTurn.Format format = !json ? SimulatedTurn.Format.TEXT
                : schema.isMissingNode() ? SimulatedTurn.Format.JSON_OBJECT : SimulatedTurn.Format.JSON_SCHEMA;
        return new SimulatedTurn(model, lastUserText, declaresTools, trailingResults, format,
                schema.isMissingNode() ? null : schema, webSearch, promptWords);
    }

    private static JsonNode field(JsonNode node, String camel, String snake) {
        return node.has(camel) ? node.get(camel) : node.path(snake);
    }
}
