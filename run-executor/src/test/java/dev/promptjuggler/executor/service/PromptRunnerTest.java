package dev.promptjuggler.executor.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.promptjuggler.contracts.prompt.PromptConfig;
import dev.promptjuggler.contracts.prompt.PromptMessage;
import dev.promptjuggler.executor.client.openai.ChatCompletionRequest;
import dev.promptjuggler.executor.client.openai.ChatCompletionRequest.Message;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PromptRunnerTest {

    @Test
    void rendersSystemInstructionAndMessagesIntoAnOpenAiRequest() {
        var config = new PromptConfig("openai", "gpt-5.5",
                Map.of("maxCompletionTokens", 256, "temperature", 0.2, "topP", 1),
                null, "You answer for {{company}}.",
                List.of(new PromptMessage("user", "Hi, I am {{name}}"), new PromptMessage("assistant", "Hello {{name}}!"),
                        new PromptMessage("user", "{{question}}")),
                null, null);

        ChatCompletionRequest request = PromptRunner.openAiRequest(config,
                Map.of("company", "Acme", "name", "Ada", "question", "Why?"), Map.of());

        assertEquals("gpt-5.5", request.model());
        assertEquals(List.of(new Message("system", "You answer for Acme."), new Message("user", "Hi, I am Ada"),
                new Message("assistant", "Hello Ada!"), new Message("user", "Why?")), request.messages());
        assertEquals(256, request.maxCompletionTokens());
        assertEquals(0.2, request.temperature());
        assertEquals(1.0, request.topP());
    }

    @Test
    void leavesOutWhatTheRevisionDoesNotSet() {
        var config = new PromptConfig("openai", "gpt-5.5", null, null, null,
                List.of(new PromptMessage("user", "Hello")), null, null);

        ChatCompletionRequest request = PromptRunner.openAiRequest(config, Map.of(), Map.of());

        assertEquals(List.of(new Message("user", "Hello")), request.messages());
        assertNull(request.maxCompletionTokens());
        assertNull(request.temperature());
        assertNull(request.topP());
    }

    @Test
    void environmentVariablesFillTheirPlaceholdersInEveryTemplate() {
        var config = new PromptConfig("openai", "gpt-5.5", null, null, "Region ${REGION}.",
                List.of(new PromptMessage("user", "{{question}} (tier ${TIER})")), null, null);

        ChatCompletionRequest request = PromptRunner.openAiRequest(config, Map.of("question", "Why?"),
                Map.of("REGION", "eu", "TIER", "gold"));

        assertEquals(List.of(new Message("system", "Region eu."), new Message("user", "Why? (tier gold)")),
                request.messages());
    }
}
