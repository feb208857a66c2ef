package dev.promptjuggler.contracts.prompt;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;
import java.util.Map;

/**
 * The configuration of a prompt draft or published revision, as api-gateway stores it and
 * run-executor reads it. Field names follow the SDK's {@code PromptRevision}.
 *
 * @param provider          {@code openai}, {@code anthropic} or {@code gemini}
 * @param modelParams       the SDK's {@code ModelParams} (maxCompletionTokens, temperature, …)
 * @param responseFormat    the SDK's {@code ResponseFormat}; null means text
 * @param systemInstruction may hold {@code {{placeholders}}}
 * @param messages          user/assistant templates with {@code {{placeholders}}}
 * @param memory            {@code stateless}, {@code read_only}, {@code read_write} or {@code write_only}
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record PromptConfig(
        String provider,
        String model,
        Map<String, Object> modelParams,
        Map<String, Object> responseFormat,
        String systemInstruction,
        List<PromptMessage> messages,
        List<Map<String, Object>> tools,
        String memory) {

    public PromptConfig {
        modelParams = modelParams == null ? Map.of() : modelParams;
        messages = messages == null ? List.of() : messages;
        tools = tools == null ? List.of() : tools;
        memory = memory == null ? "stateless" : memory;
    }
}
