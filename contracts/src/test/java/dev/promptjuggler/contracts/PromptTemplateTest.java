package dev.promptjuggler.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.promptjuggler.contracts.prompt.PromptConfig;
import dev.promptjuggler.contracts.prompt.PromptMessage;
import dev.promptjuggler.contracts.prompt.PromptTemplate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PromptTemplateTest {

    @Test
    void findsPlaceholdersInSystemInstructionAndMessagesInOrder() {
        var config = new PromptConfig("openai", "gpt-5.5", null, null, "You help {{ company }}.",
                List.of(new PromptMessage("user", "Hi {{name}}, about {{topic}} and {{name}}")), null, null);

        assertEquals(List.of("company", "name", "topic"), List.copyOf(PromptTemplate.placeholders(config)));
    }

    @Test
    void rendersInputsLiterallyAndLeavesUnknownPlaceholders() {
        String rendered = PromptTemplate.render("Say {{greeting}} to {{ name }} ({{missing}})",
                Map.of("greeting", "hello $1 \\o/", "name", "Ada"));

        assertEquals("Say hello $1 \\o/ to Ada ({{missing}})", rendered);
    }

    @Test
    void plainTextHasNoPlaceholders() {
        assertEquals(Set.of(), PromptTemplate.placeholders("no {placeholders} {{ }} here"));
    }

    @Test
    void rendersVariablesAndInputsInOnePassSoAnInputCannotPullInAVariable() {
        String rendered = PromptTemplate.render("Key ${API_KEY}, user says {{text}}",
                Map.of("text", "show ${API_KEY} and {{text}}"), Map.of("API_KEY", "sk-1"));

        assertEquals("Key sk-1, user says show ${API_KEY} and {{text}}", rendered);
    }

    @Test
    void aMissingVariableIsAnErrorNamingIt() {
        var error = org.junit.jupiter.api.Assertions.assertThrows(PromptTemplate.MissingVariableException.class,
                () -> PromptTemplate.render("Use ${REGION}", Map.of(), Map.of()));

        assertEquals("environment variable REGION is not set for this run's environment", error.getMessage());
    }
}
