package dev.promptjuggler.executor.client.anthropic;

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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link ChatRequest} to a Messages body, and a message back to a {@link ChatResponse}.
 *
 * <p>Structured output uses the Messages API's own {@code output_config.format} ({@code json_schema}) rather than
 * a forced tool: a forced tool would stop the model from calling the prompt's real tools and cannot be combined
 * with extended thinking. Anthropic has no schema-less JSON mode, so {@code json_object} is asked for in the
 * system prompt.
 */
final class AnthropicWire {

    static final String JSON_OBJECT_INSTRUCTION = "Answer with a single JSON object and nothing else.";
    static final String WEB_SEARCH_TOOL = "web_search_20250305";

    private AnthropicWire() {
    }

    static JsonObject request(ChatRequest request, int defaultMaxTokens) {
        ModelParams params = new ModelParams(request.modelParams());
        JsonObject body = new JsonObject().put("model", request.model())
                .put("max_tokens", params.maxCompletionTokens() != null ? params.maxCompletionTokens() : defaultMaxTokens)
                .put("messages", messages(request.messages()));
        String system = system(request);
        if (system != null) {
            body.put("system", system);
        }
        JsonArray tools = new JsonArray();
        request.tools().forEach(tool -> {
            JsonObject spec = new JsonObject().put("name", tool.name()).put("input_schema", new JsonObject(tool.parameters()));
            putIfSet(spec, "description", tool.description());
            tools.add(spec);
        });
        if (request.webSearch() != null) {
            JsonObject search = new JsonObject().put("type", WEB_SEARCH_TOOL).put("name", "web_search");
            List<String> domains = request.webSearch().allowedDomains();
            if (domains != null && !domains.isEmpty()) {
                search.put("allowed_domains", new JsonArray(domains));
            }
            tools.add(search);
        }
        if (!tools.isEmpty()) {
            body.put("tools", tools);
        }
        putIfSet(body, "temperature", params.temperature());
        putIfSet(body, "top_p", params.topP());
        JsonObject outputConfig = new JsonObject();
        ResponseFormat format = request.responseFormat();
        if (format != null && "json_schema".equals(format.type())) {
            outputConfig.put("format", new JsonObject().put("type", "json_schema").put("schema", new JsonObject(format.schema())));
        }
        String effort = effort(params.reasoningEffort());
        putIfSet(outputConfig, "effort", effort);
        if (!outputConfig.isEmpty()) {
            body.put("output_config", outputConfig);
        }
        // "auto" may use priority capacity the organisation has; "standard_only" never does.
        if ("auto".equals(params.serviceTier())) {
            body.put("service_tier", "auto");
        } else if ("default".equals(params.serviceTier())) {
            body.put("service_tier", "standard_only");
        }
        return body;
    }

    private static String system(ChatRequest request) {
        String system = request.system() == null || request.system().isBlank() ? null : request.system();
        if (request.responseFormat() != null && "json_object".equals(request.responseFormat().type())) {
            return system == null ? JSON_OBJECT_INSTRUCTION : system + "\n\n" + JSON_OBJECT_INSTRUCTION;
        }
        return system;
    }

    /** Anthropic's efforts are low, medium, high and max; "none" means the model's default. */
    private static String effort(String reasoningEffort) {
        if (reasoningEffort == null || "none".equals(reasoningEffort)) {
            return null;
        }
        return "xhigh".equals(reasoningEffort) ? "max" : reasoningEffort;
    }

    /** Tool results travel in a user message; consecutive results share one, as Anthropic requires. */
    private static JsonArray messages(List<ChatMessage> conversation) {
        JsonArray messages = new JsonArray();
        JsonArray pendingResults = null;
        for (ChatMessage message : conversation) {
            if (message instanceof ChatMessage.ToolResult result) {
                if (pendingResults == null) {
                    pendingResults = new JsonArray();
                    messages.add(new JsonObject().put("role", "user").put("content", pendingResults));
                }
                pendingResults.add(new JsonObject().put("type", "tool_result").put("tool_use_id", result.callId())
                        .put("content", result.content()).put("is_error", result.error()));
                continue;
            }
            pendingResults = null;
            if (message instanceof ChatMessage.User user) {
                messages.add(new JsonObject().put("role", "user").put("content", new JsonArray().add(text(user.text()))));
            } else if (message instanceof ChatMessage.Assistant assistant) {
                messages.add(new JsonObject().put("role", "assistant").put("content", assistantContent(assistant)));
            }
        }
        return messages;
    }

    private static JsonArray assistantContent(ChatMessage.Assistant assistant) {
        JsonArray content = new JsonArray();
        // Anthropic rejects empty text blocks.
        if (assistant.text() != null && !assistant.text().isEmpty()) {
            content.add(text(assistant.text()));
        }
        assistant.toolCalls().forEach(call -> content.add(new JsonObject().put("type", "tool_use").put("id", call.id())
                .put("name", call.name()).put("input", new JsonObject(call.arguments()))));
        return content;
    }

    private static JsonObject text(String text) {
        return new JsonObject().put("type", "text").put("text", text);
    }

    static ChatResponse response(JsonObject body) {
        JsonArray content = body.getJsonArray("content");
        if (content == null) {
            throw new ProviderException(AnthropicClient.PROVIDER, 200, "the answer has no content", null);
        }
        StringBuilder text = new StringBuilder();
        boolean hasText = false;
        List<ToolCall> calls = new ArrayList<>();
        Map<String, String> searchQueries = new LinkedHashMap<>();
        Map<String, List<ChatResponse.Citation>> searchResults = new LinkedHashMap<>();
        for (Object item : content) {
            JsonObject block = (JsonObject) item;
            switch (block.getString("type", "")) {
                case "text" -> {
                    text.append(block.getString("text", ""));
                    hasText = true;
                }
                case "tool_use" -> calls.add(new ToolCall(block.getString("id"), block.getString("name"),
                        block.getJsonObject("input", new JsonObject()).encode()));
                case "server_tool_use" -> searchQueries.put(block.getString("id"),
                        block.getJsonObject("input", new JsonObject()).getString("query"));
                case "web_search_tool_result" -> searchResults.put(block.getString("tool_use_id"), citations(block));
                default -> {
                    // thinking blocks and other server tools are not part of the answer
                }
            }
        }
        List<ChatResponse.WebSearchCall> searches = new ArrayList<>();
        searchQueries.forEach((id, query) -> searches.add(new ChatResponse.WebSearchCall(
                query == null ? List.of() : List.of(query), searchResults.getOrDefault(id, List.of()))));
        return new ChatResponse(hasText ? text.toString() : null, calls, usage(body.getJsonObject("usage")), searches);
    }

    /** A failed search carries an error object instead of a list of results. */
    private static List<ChatResponse.Citation> citations(JsonObject block) {
        List<ChatResponse.Citation> citations = new ArrayList<>();
        if (block.getValue("content") instanceof JsonArray results) {
            for (Object item : results) {
                JsonObject result = (JsonObject) item;
                citations.add(new ChatResponse.Citation(result.getString("title"), result.getString("url")));
            }
        }
        return citations;
    }

    /** Anthropic's input_tokens exclude cache reads and writes; the SDK's input counts them all. */
    private static TokenUsage usage(JsonObject usage) {
        if (usage == null) {
            return TokenUsage.NONE;
        }
        long cacheRead = count(usage, "cache_read_input_tokens");
        long cacheWrite = count(usage, "cache_creation_input_tokens");
        long input = count(usage, "input_tokens") + cacheRead + cacheWrite;
        long output = count(usage, "output_tokens");
        return new TokenUsage(input, cacheRead, output, 0, input + output, cacheWrite);
    }
}
