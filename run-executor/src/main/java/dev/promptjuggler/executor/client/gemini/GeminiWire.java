package dev.promptjuggler.executor.client.gemini;

import static dev.promptjuggler.executor.client.WireJson.count;
import static dev.promptjuggler.executor.client.WireJson.putIfSet;

import dev.promptjuggler.executor.client.ModelParams;
import dev.promptjuggler.executor.client.ProviderException;
import dev.promptjuggler.executor.llm.ChatMessage;
import dev.promptjuggler.executor.llm.ChatRequest;
import dev.promptjuggler.executor.llm.ChatResponse;
import dev.promptjuggler.executor.llm.ResponseFormat;
import dev.promptjuggler.executor.llm.TokenUsage;
import dev.promptjuggler.executor.llm.ToolCall;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * {@link ChatRequest} to a generateContent body, and a generateContent answer back to a {@link ChatResponse}.
 *
 * <p>Gemini may give a function call no id, and Gemini 3 requires the call's {@code thoughtSignature} back with
 * it on the next turn. Both travel in the {@link ToolCall#id()} this client makes up: {@code <id>|<signature>},
 * opaque to the tool loop and split again when the conversation is sent back.
 */
final class GeminiWire {

    private static final String SIGNATURE_SEPARATOR = "|";

    private GeminiWire() {
    }

    static JsonObject request(ChatRequest request) {
        JsonObject body = new JsonObject().put("contents", contents(request.messages()));
        if (request.system() != null && !request.system().isBlank()) {
            body.put("systemInstruction", new JsonObject().put("parts", new JsonArray().add(text(request.system()))));
        }
        JsonArray tools = new JsonArray();
        if (!request.tools().isEmpty()) {
            JsonArray declarations = new JsonArray();
            request.tools().forEach(tool -> {
                JsonObject declaration = new JsonObject().put("name", tool.name())
                        .put("parametersJsonSchema", new JsonObject(tool.parameters()));
                putIfSet(declaration, "description", tool.description());
                declarations.add(declaration);
            });
            tools.add(new JsonObject().put("functionDeclarations", declarations));
        }
        if (request.webSearch() != null) {
            // Grounding with Google Search has no domain filter.
            tools.add(new JsonObject().put("google_search", new JsonObject()));
        }
        if (!tools.isEmpty()) {
            body.put("tools", tools);
        }
        JsonObject generation = generationConfig(new ModelParams(request.modelParams()), request.responseFormat());
        if (!generation.isEmpty()) {
            body.put("generationConfig", generation);
        }
        return body;
    }

    private static JsonObject generationConfig(ModelParams params, ResponseFormat format) {
        JsonObject config = new JsonObject();
        putIfSet(config, "maxOutputTokens", params.maxCompletionTokens());
        putIfSet(config, "temperature", params.temperature());
        putIfSet(config, "topP", params.topP());
        if (format != null && !"text".equals(format.type())) {
            config.put("responseMimeType", "application/json");
            if ("json_schema".equals(format.type())) {
                config.put("responseJsonSchema", new JsonObject(format.schema()));
            }
        }
        JsonObject thinking = new JsonObject();
        putIfSet(thinking, "thinkingLevel", thinkingLevel(params.reasoningEffort()));
        if (params.reasoningSummary()) {
            thinking.put("includeThoughts", true);
        }
        if (!thinking.isEmpty()) {
            config.put("thinkingConfig", thinking);
        }
        return config;
    }

    /** Gemini 3's levels are minimal, low, medium and high. */
    private static String thinkingLevel(String effort) {
        if (effort == null) {
            return null;
        }
        return switch (effort) {
            case "none" -> "minimal";
            case "xhigh", "max" -> "high";
            default -> effort;
        };
    }

    /** Function responses travel in a user turn; consecutive ones share it. */
    private static JsonArray contents(List<ChatMessage> conversation) {
        JsonArray contents = new JsonArray();
        JsonArray pendingResponses = null;
        for (ChatMessage message : conversation) {
            if (message instanceof ChatMessage.ToolResult result) {
                if (pendingResponses == null) {
                    pendingResponses = new JsonArray();
                    contents.add(new JsonObject().put("role", "user").put("parts", pendingResponses));
                }
                pendingResponses.add(new JsonObject().put("functionResponse", new JsonObject()
                        .put("name", result.toolName())
                        .put("response", new JsonObject().put(result.error() ? "error" : "result", result.content()))));
                continue;
            }
            pendingResponses = null;
            if (message instanceof ChatMessage.User user) {
                contents.add(new JsonObject().put("role", "user").put("parts", new JsonArray().add(text(user.text()))));
            } else if (message instanceof ChatMessage.Assistant assistant) {
                contents.add(new JsonObject().put("role", "model").put("parts", modelParts(assistant)));
            }
        }
        return contents;
    }

    private static JsonArray modelParts(ChatMessage.Assistant assistant) {
        JsonArray parts = new JsonArray();
        if (assistant.text() != null && !assistant.text().isEmpty()) {
            parts.add(text(assistant.text()));
        }
        for (ToolCall call : assistant.toolCalls()) {
            JsonObject part = new JsonObject().put("functionCall",
                    new JsonObject().put("name", call.name()).put("args", new JsonObject(call.arguments())));
            int separator = call.id() == null ? -1 : call.id().indexOf(SIGNATURE_SEPARATOR);
            if (separator >= 0) {
                part.put("thoughtSignature", call.id().substring(separator + 1));
            }
            parts.add(part);
        }
        return parts;
    }

    private static JsonObject text(String text) {
        return new JsonObject().put("text", text);
    }

    static ChatResponse response(JsonObject body) {
        JsonArray candidates = body.getJsonArray("candidates");
        if (candidates == null || candidates.isEmpty()) {
            String reason = body.getJsonObject("promptFeedback", new JsonObject()).getString("blockReason", "no candidates");
            throw new ProviderException(GeminiClient.PROVIDER, 200, "the answer has no candidates: " + reason, null);
        }
        JsonObject candidate = candidates.getJsonObject(0);
        StringBuilder text = new StringBuilder();
        boolean hasText = false;
        List<ToolCall> calls = new ArrayList<>();
        for (Object item : candidate.getJsonObject("content", new JsonObject()).getJsonArray("parts", new JsonArray())) {
            JsonObject part = (JsonObject) item;
            JsonObject call = part.getJsonObject("functionCall");
            if (call != null) {
                String id = call.getString("id", "call_" + UUID.randomUUID());
                String signature = part.getString("thoughtSignature");
                calls.add(new ToolCall(signature == null ? id : id + SIGNATURE_SEPARATOR + signature,
                        call.getString("name"), call.getJsonObject("args", new JsonObject()).encode()));
            } else if (part.getValue("text") instanceof String partText && !Boolean.TRUE.equals(part.getValue("thought"))) {
                text.append(partText);
                hasText = true;
            }
        }
        if (!hasText && calls.isEmpty() && !"STOP".equals(candidate.getString("finishReason", "STOP"))) {
            throw new ProviderException(GeminiClient.PROVIDER, 200, "the answer is empty: finishReason "
                    + candidate.getString("finishReason"), null);
        }
        return new ChatResponse(hasText ? text.toString() : null, calls, usage(body.getJsonObject("usageMetadata")),
                webSearches(candidate.getJsonObject("groundingMetadata")));
    }

    private static List<ChatResponse.WebSearchCall> webSearches(JsonObject grounding) {
        if (grounding == null) {
            return List.of();
        }
        List<String> queries = new ArrayList<>();
        grounding.getJsonArray("webSearchQueries", new JsonArray()).forEach(query -> queries.add(String.valueOf(query)));
        List<ChatResponse.Citation> citations = new ArrayList<>();
        for (Object item : grounding.getJsonArray("groundingChunks", new JsonArray())) {
            JsonObject web = ((JsonObject) item).getJsonObject("web");
            if (web != null) {
                citations.add(new ChatResponse.Citation(web.getString("title"), web.getString("uri")));
            }
        }
        return queries.isEmpty() && citations.isEmpty() ? List.of() : List.of(new ChatResponse.WebSearchCall(queries, citations));
    }

    /**
     * promptTokenCount includes the cached tokens; tool-use prompt tokens (search results fed to the model) are
     * billed as input; thoughts are billed as output but not counted in candidatesTokenCount.
     */
    private static TokenUsage usage(JsonObject usage) {
        if (usage == null) {
            return TokenUsage.NONE;
        }
        long input = count(usage, "promptTokenCount") + count(usage, "toolUsePromptTokenCount");
        long thoughts = count(usage, "thoughtsTokenCount");
        long output = count(usage, "candidatesTokenCount") + thoughts;
        long total = count(usage, "totalTokenCount");
        return new TokenUsage(input, count(usage, "cachedContentTokenCount"), output, thoughts,
                total > 0 ? total : input + output);
    }
}
