package dev.promptjuggler.executor.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.promptjuggler.contracts.prompt.PromptConfig;
import dev.promptjuggler.contracts.prompt.PromptMessage;
import dev.promptjuggler.executor.llm.ChatMessage;
import dev.promptjuggler.executor.llm.ChatRequest;
import dev.promptjuggler.executor.llm.ResponseFormat;
import io.opentelemetry.context.Context;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The first turn's request of a prompt run: templates rendered after the thread's history. */
class PromptExecutionTest {

    @Test
    void rendersSystemInstructionAndMessagesIntoAChatRequest() {
        var config = new PromptConfig("openai", "gpt-5.5",
                Map.of("maxCompletionTokens", 256, "temperature", 0.2, "topP", 1),
                null, "You answer for {{company}}.",
                List.of(new PromptMessage("user", "Hi, I am {{name}}"), new PromptMessage("assistant", "Hello {{name}}!"),
                        new PromptMessage("user", "{{question}}")),
                null, null);

        ChatRequest request = PromptExecution.request(config,
                input(Map.of("company", "Acme", "name", "Ada", "question", "Why?"), Map.of()));

        assertEquals("gpt-5.5", request.model());
        assertEquals("You answer for Acme.", request.system());
        assertEquals(List.of(new ChatMessage.User("Hi, I am Ada"), new ChatMessage.Assistant("Hello Ada!"),
                new ChatMessage.User("Why?")), request.messages());
        assertEquals(Map.of("maxCompletionTokens", 256, "temperature", 0.2, "topP", 1), request.modelParams());
    }

    @Test
    void leavesOutWhatTheRevisionDoesNotSet() {
        var config = new PromptConfig("openai", "gpt-5.5", null, null, null,
                List.of(new PromptMessage("user", "Hello")), null, null);

        ChatRequest request = PromptExecution.request(config, input(Map.of(), Map.of()));

        assertNull(request.system());
        assertEquals(List.of(new ChatMessage.User("Hello")), request.messages());
        assertEquals(Map.of(), request.modelParams());
        assertNull(request.responseFormat());
    }

    @Test
    void environmentVariablesFillTheirPlaceholdersInEveryTemplate() {
        var config = new PromptConfig("openai", "gpt-5.5", null, null, "Region ${REGION}.",
                List.of(new PromptMessage("user", "{{question}} (tier ${TIER})")), null, null);

        ChatRequest request = PromptExecution.request(config, input(Map.of("question", "Why?"),
                Map.of("REGION", "eu", "TIER", "gold")));

        assertEquals("Region eu.", request.system());
        assertEquals(List.of(new ChatMessage.User("Why? (tier gold)")), request.messages());
    }

    @Test
    void theThreadsHistoryComesBeforeThePromptsMessages() {
        var config = new PromptConfig("openai", "gpt-5.5", null, null, "Be brief.",
                List.of(new PromptMessage("user", "{{question}}")), null, "read_write");
        List<ChatMessage> history = List.of(new ChatMessage.User("I am Ada"), new ChatMessage.Assistant("Hello Ada"));

        ChatRequest request = PromptExecution.request(config, new PromptInput(null, null, null,
                Map.of("question", "Who am I?"), Map.of(), history, 0, Context.root()));

        assertEquals("Be brief.", request.system());
        assertEquals(List.of(new ChatMessage.User("I am Ada"), new ChatMessage.Assistant("Hello Ada"),
                new ChatMessage.User("Who am I?")), request.messages());
    }

    @Test
    void jsonSchemaTextBecomesASchema() {
        var config = new PromptConfig("anthropic", "claude-haiku-4-5", null,
                Map.of("type", "json_schema", "name", "answer", "strict", true,
                        "schema", "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}"),
                null, List.of(new PromptMessage("user", "Where?")), null, null);

        ChatRequest request = PromptExecution.request(config, input(Map.of(), Map.of()));

        assertEquals(new ResponseFormat("json_schema", "answer",
                Map.of("type", "object", "properties", Map.of("city", Map.of("type", "string"))), true),
                request.responseFormat());
    }

    private static PromptInput input(Map<String, String> inputs, Map<String, String> variables) {
        return new PromptInput(null, null, null, inputs, variables, List.of(), 0, Context.root());
    }
}
