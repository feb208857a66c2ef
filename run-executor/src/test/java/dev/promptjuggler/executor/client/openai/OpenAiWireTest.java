package dev.promptjuggler.executor.client.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.promptjuggler.executor.llm.ChatMessage;
import dev.promptjuggler.executor.llm.ChatRequest;
import dev.promptjuggler.executor.llm.ResponseFormat;
import dev.promptjuggler.executor.llm.ToolCall;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Chat Completions body for every ModelParams and message kind. */
class OpenAiWireTest {

    @Test
    void mapsSystemMessagesToolTurnsResponseFormatAndModelParams() {
        var request = new ChatRequest("gpt-5", "Be brief", List.of(new ChatMessage.User("Hi"),
                new ChatMessage.Assistant(null, List.of(new ToolCall("call_1", "lookup", "{\"q\":1}"))),
                new ChatMessage.ToolResult("call_1", "lookup", "found", false)), List.of(), new ChatRequest.WebSearch(List.of()),
                new ResponseFormat("json_schema", "answer", Map.of("type", "object"), true),
                Map.of("maxCompletionTokens", 100, "temperature", 0.3, "topP", 0.8, "verbosity", "low",
                        "reasoningEffort", "max", "reasoningSummary", true, "serviceTier", "flex"));

        assertEquals(new JsonObject("""
                {"model":"gpt-5","messages":[{"role":"system","content":"Be brief"},{"role":"user","content":"Hi"},
                 {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function",
                   "function":{"name":"lookup","arguments":"{\\"q\\":1}"}}]},
                 {"role":"tool","tool_call_id":"call_1","content":"found"}],
                 "web_search_options":{},
                 "response_format":{"type":"json_schema","json_schema":{"name":"answer","schema":{"type":"object"},"strict":true}},
                 "max_completion_tokens":100,"temperature":0.3,"top_p":0.8,"verbosity":"low","reasoning_effort":"xhigh",
                 "service_tier":"flex"}"""), OpenAiWire.request(request));
    }
}
