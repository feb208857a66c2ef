package dev.promptjuggler.executor.client.gemini;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.promptjuggler.executor.llm.ChatMessage;
import dev.promptjuggler.executor.llm.ChatRequest;
import dev.promptjuggler.executor.llm.ChatResponse;
import dev.promptjuggler.executor.llm.ResponseFormat;
import dev.promptjuggler.executor.llm.TokenUsage;
import dev.promptjuggler.executor.llm.ToolCall;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The generateContent body for every ModelParams and message kind; thought signatures survive a tool turn. */
class GeminiWireTest {

    @Test
    void mapsSystemToolTurnsSchemaSearchAndModelParams() {
        var request = new ChatRequest("gemini-3-pro-preview", "Be brief", List.of(new ChatMessage.User("Hi"),
                new ChatMessage.Assistant(null, List.of(new ToolCall("call_1|c2ln", "lookup", "{\"q\":1}"))),
                new ChatMessage.ToolResult("call_1|c2ln", "lookup", "found", false)), List.of(),
                new ChatRequest.WebSearch(List.of()), new ResponseFormat("json_schema", "answer", Map.of("type", "object"), true),
                Map.of("maxCompletionTokens", 100, "temperature", 0.3, "topP", 0.8, "reasoningEffort", "none",
                        "reasoningSummary", true));

        assertEquals(new JsonObject("""
                {"contents":[{"role":"user","parts":[{"text":"Hi"}]},
                  {"role":"model","parts":[{"functionCall":{"name":"lookup","args":{"q":1}},"thoughtSignature":"c2ln"}]},
                  {"role":"user","parts":[{"functionResponse":{"name":"lookup","response":{"result":"found"}}}]}],
                 "systemInstruction":{"parts":[{"text":"Be brief"}]},
                 "tools":[{"google_search":{}}],
                 "generationConfig":{"maxOutputTokens":100,"temperature":0.3,"topP":0.8,
                   "responseMimeType":"application/json","responseJsonSchema":{"type":"object"},
                   "thinkingConfig":{"thinkingLevel":"minimal","includeThoughts":true}}}"""), GeminiWire.request(request));
    }

    @Test
    void thoughtsCountAsOutputAndReasoningAndThoughtTextIsNotTheAnswer() {
        ChatResponse response = GeminiWire.response(new JsonObject("""
                {"candidates":[{"content":{"role":"model","parts":[{"text":"thinking...","thought":true},{"text":"ok"}]},
                  "finishReason":"STOP"}],
                 "usageMetadata":{"promptTokenCount":120,"cachedContentTokenCount":100,"candidatesTokenCount":5,
                  "thoughtsTokenCount":30,"totalTokenCount":155}}"""));

        assertEquals("ok", response.text());
        assertEquals(new TokenUsage(120, 100, 35, 30, 155, 0), response.usage());
    }
}
