package dev.promptjuggler.executor.llm;

import java.util.List;
import java.util.Map;

/**
 * One call to a chat model in provider-neutral terms; each {@link ChatModelClient} maps it to its provider's
 * wire format. Templates are already rendered.
 *
 * @param system         the system instruction, or null
 * @param messages       the conversation so far: memory, the prompt's messages, then tool turns
 * @param tools          function tools the model may call (empty: none)
 * @param webSearch      the provider's native web search, or null when the prompt has none
 * @param responseFormat text when null
 * @param modelParams    the SDK's {@code ModelParams} (maxCompletionTokens, temperature, topP, …)
 */
public record ChatRequest(
        String model,
        String system,
        List<ChatMessage> messages,
        List<ToolSpec> tools,
        WebSearch webSearch,
        ResponseFormat responseFormat,
        Map<String, Object> modelParams) {

    public ChatRequest {
        messages = List.copyOf(messages);
        tools = tools == null ? List.of() : List.copyOf(tools);
        modelParams = modelParams == null ? Map.of() : modelParams;
    }

    /** The same request offering these tools. */
    public ChatRequest withTools(List<ToolSpec> offered, WebSearch search) {
        return new ChatRequest(model, system, messages, offered, search, responseFormat, modelParams);
    }

    /** The same request one turn later. */
    public ChatRequest withMessages(List<ChatMessage> next) {
        return new ChatRequest(model, system, next, tools, webSearch, responseFormat, modelParams);
    }

    /** The SDK's {@code WebSearch} tool: the provider's own search, optionally limited to some domains. */
    public record WebSearch(List<String> allowedDomains) {
    }
}
