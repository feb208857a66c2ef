package dev.promptjuggler.executor.client.openai;

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

/** {@link ChatRequest} to a Chat Completions body, and a chat completion back to a {@link ChatResponse}. */
final class OpenAiWire {

    private OpenAiWire() {
    }

    static JsonObject request(ChatRequest request) {
        JsonArray messages = new JsonArray();
        if (request.system() != null && !request.system().isBlank()) {
            // Reasoning models take "system" as "developer"; OpenAI converts it.
            messages.add(new JsonObject().put("role", "system").put("content", request.system()));
        }
        for (ChatMessage message : request.messages()) {
            if (message instanceof ChatMessage.User user) {
                messages.add(new JsonObject().put("role", "user").put("content", user.text()));
            } else if (message instanceof ChatMessage.Assistant assistant) {
                messages.add(assistant(assistant));
            } else if (message instanceof ChatMessage.ToolResult result) {
                messages.add(new JsonObject().put("role", "tool").put("tool_call_id", result.callId())
                        .put("content", result.content()));
            }
        }
        JsonObject body = new JsonObject().put("model", request.model()).put("messages", messages);
        if (!request.tools().isEmpty()) {
            JsonArray tools = new JsonArray();
            request.tools().forEach(tool -> {
                JsonObject function = new JsonObject().put("name", tool.name())
                        .put("parameters", new JsonObject(tool.parameters()));
                putIfSet(function, "description", tool.description());
                tools.add(new JsonObject().put("type", "function").put("function", function));
            });
            body.put("tools", tools);
        }
        if (request.webSearch() != null) {
            // Chat Completions searches with its search models (gpt-5-search-api, gpt-4o-search-preview) and
            // has no domain filter; allowedDomains needs the Responses API.
            body.put("web_search_options", new JsonObject());
        }
        responseFormat(request.responseFormat(), body);
        modelParams(new ModelParams(request.modelParams()), body);
        return body;
    }

    private static JsonObject assistant(ChatMessage.Assistant assistant) {
        JsonObject message = new JsonObject().put("role", "assistant").put("content", assistant.text());
        if (!assistant.toolCalls().isEmpty()) {
            JsonArray calls = new JsonArray();
            assistant.toolCalls().forEach(call -> calls.add(new JsonObject().put("id", call.id()).put("type", "function")
                    .put("function", new JsonObject().put("name", call.name()).put("arguments", call.arguments()))));
            message.put("tool_calls", calls);
        }
        return message;
    }

    private static void responseFormat(ResponseFormat format, JsonObject body) {
        if (format == null) {
            return;
        }
        switch (format.type()) {
            case "json_object" -> body.put("response_format", new JsonObject().put("type", "json_object"));
            case "json_schema" -> body.put("response_format", new JsonObject().put("type", "json_schema")
                    .put("json_schema", new JsonObject().put("name", format.name())
                            .put("schema", new JsonObject(format.schema())).put("strict", format.strict())));
            default -> {
            }
        }
    }

    private static void modelParams(ModelParams params, JsonObject body) {
        putIfSet(body, "max_completion_tokens", params.maxCompletionTokens());
        putIfSet(body, "temperature", params.temperature());
        putIfSet(body, "top_p", params.topP());
        putIfSet(body, "verbosity", params.verbosity());
        // OpenAI's highest effort is "xhigh"; reasoningSummary exists only in the Responses API.
        putIfSet(body, "reasoning_effort", "max".equals(params.reasoningEffort()) ? "xhigh" : params.reasoningEffort());
        putIfSet(body, "service_tier", params.serviceTier());
    }

    static ChatResponse response(JsonObject body, boolean webSearch) {
        JsonArray choices = body.getJsonArray("choices");
        if (choices == null || choices.isEmpty()) {
            throw new ProviderException(OpenAiClient.PROVIDER, 200, "the answer has no choices", null);
        }
        JsonObject message = choices.getJsonObject(0).getJsonObject("message", new JsonObject());
        if (message.getString("refusal") != null) {
            throw new ProviderException(OpenAiClient.PROVIDER, 200, "the model refused: " + message.getString("refusal"), null);
        }
        List<ToolCall> calls = new ArrayList<>();
        for (Object item : message.getJsonArray("tool_calls", new JsonArray())) {
            JsonObject call = (JsonObject) item;
            JsonObject function = call.getJsonObject("function", new JsonObject());
            calls.add(new ToolCall(call.getString("id"), function.getString("name"), function.getString("arguments", "{}")));
        }
        List<ChatResponse.WebSearchCall> searches = new ArrayList<>();
        if (webSearch) {
            List<ChatResponse.Citation> citations = new ArrayList<>();
            for (Object item : message.getJsonArray("annotations", new JsonArray())) {
                JsonObject citation = ((JsonObject) item).getJsonObject("url_citation");
                if (citation != null) {
                    citations.add(new ChatResponse.Citation(citation.getString("title"), citation.getString("url")));
                }
            }
            // Chat Completions does not tell which queries it ran.
            searches.add(new ChatResponse.WebSearchCall(List.of(), citations));
        }
        return new ChatResponse(message.getString("content"), calls, usage(body.getJsonObject("usage")), searches);
    }

    private static TokenUsage usage(JsonObject usage) {
        if (usage == null) {
            return TokenUsage.NONE;
        }
        long input = count(usage, "prompt_tokens");
        long output = count(usage, "completion_tokens");
        return new TokenUsage(input, count(usage.getJsonObject("prompt_tokens_details"), "cached_tokens"), output,
                count(usage.getJsonObject("completion_tokens_details"), "reasoning_tokens"), input + output);
    }
}
