package dev.promptjuggler.executor.client.anthropic;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.promptjuggler.executor.llm.ChatMessage;
import dev.promptjuggler.executor.llm.ChatRequest;
import dev.promptjuggler.executor.llm.ResponseFormat;
import dev.promptjuggler.executor.llm.TokenUsage;
import dev.promptjuggler.executor.llm.ToolCall;
import dev.promptjuggler.executor.llm.ToolSpec;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Messages body for every ModelParams and message kind, and usage with prompt caching. */
class AnthropicWireTest {

    @Test
    void mapsSystemToolTurnsStructuredOutputWebSearchAndModelParams() {
        var request = new ChatRequest("claude-sonnet-4-5", "Be brief", List.of(new ChatMessage.User("Hi"),
                new ChatMessage.Assistant("", List.of(new ToolCall("toolu_1", "lookup", "{\"q\":1}"))),
                new ChatMessage.ToolResult("toolu_1", "lookup", "found", false),
                new ChatMessage.ToolResult("toolu_2", "clock", "broken", true)),
                List.of(new ToolSpec("lookup", "Looks up", Map.of("type", "object"))),
                new ChatRequest.WebSearch(List.of("example.org")),
                new ResponseFormat("json_schema", "answer", Map.of("type", "object"), true),
                Map.of("temperature", 0.3, "topP", 0.8, "reasoningEffort", "xhigh", "serviceTier", "default", "verbosity", "low"));

        assertEquals(new JsonObject("""
                {"model":"claude-sonnet-4-5","max_tokens":4096,"system":"Be brief","messages":[
                  {"role":"user","content":[{"type":"text","text":"Hi"}]},
                  {"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"lookup","input":{"q":1}}]},
                  {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"found","is_error":false},
                                            {"type":"tool_result","tool_use_id":"toolu_2","content":"broken","is_error":true}]}],
                 "tools":[{"name":"lookup","input_schema":{"type":"object"},"description":"Looks up"},
                          {"type":"web_search_20250305","name":"web_search","allowed_domains":["example.org"]}],
                 "temperature":0.3,"top_p":0.8,
                 "output_config":{"format":{"type":"json_schema","schema":{"type":"object"}},"effort":"max"},
                 "service_tier":"standard_only"}"""), AnthropicWire.request(request, 4096));
    }

    @Test
    void jsonObjectIsAskedForInTheSystemPromptAndMaxTokensComesFromTheParams() {
        var request = new ChatRequest("claude-haiku-4-5", null, List.of(new ChatMessage.User("Hi")), List.of(), null,
                new ResponseFormat("json_object", null, null, false), Map.of("maxCompletionTokens", 10));

        JsonObject body = AnthropicWire.request(request, 4096);

        assertEquals(AnthropicWire.JSON_OBJECT_INSTRUCTION, body.getString("system"));
        assertEquals(10, body.getInteger("max_tokens"));
    }

    @Test
    void inputCountsCacheReadsAndWrites() {
        var response = AnthropicWire.response(new JsonObject("""
                {"content":[{"type":"text","text":"ok"}],"usage":{"input_tokens":10,"cache_read_input_tokens":100,
                 "cache_creation_input_tokens":50,"output_tokens":7}}"""));

        assertEquals(new TokenUsage(160, 100, 7, 0, 167, 50), response.usage());
    }
}
