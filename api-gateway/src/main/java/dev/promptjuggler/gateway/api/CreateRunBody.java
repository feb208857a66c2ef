package dev.promptjuggler.gateway.api;

import dev.promptjuggler.contracts.Priority;
import dev.promptjuggler.gateway.service.EnvironmentVariables;
import dev.promptjuggler.gateway.service.RunService.RunRequest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The SDK's {@code CreatePromptRun} and {@code CreateWorkflowRun} as they arrive ({@code channel} is
 * the prompt runs' only). Values are kept loosely typed so that a wrong type is
 * reported as a 422 naming the field, not as a parse failure.
 */
public record CreateRunBody(
        Map<String, Object> inputs,
        String thread,
        String priority,
        String environment,
        Map<String, Object> envVars,
        Map<String, Object> metadata,
        String channel) {

    static final String DEFAULT_CHANNEL = "default";

    RunRequest toRunRequest() {
        return new RunRequest(checkedInputs(), threadId(), checkedPriority(), environment, checkedEnvVars(),
                checkedMetadata(), channel == null ? DEFAULT_CHANNEL : channel);
    }

    private Map<String, String> checkedInputs() {
        if (inputs == null) {
            throw ApiException.invalid("inputs is required");
        }
        Map<String, String> strings = new LinkedHashMap<>();
        inputs.forEach((name, value) -> {
            if (!(value instanceof String text)) {
                throw ApiException.invalid("inputs." + name + " must be a string");
            }
            strings.put(name, text);
        });
        return strings;
    }

    private Map<String, String> checkedEnvVars() {
        if (envVars == null) {
            return Map.of();
        }
        Map<String, String> strings = new LinkedHashMap<>();
        envVars.forEach((key, value) -> {
            if (!(value instanceof String text)) {
                throw ApiException.invalid("envVars." + key + " must be a string");
            }
            strings.put(key, text);
        });
        EnvironmentVariables.requirePerRunLimits(strings);
        return strings;
    }

    private UUID threadId() {
        if (thread == null) {
            return null;
        }
        try {
            return UUID.fromString(thread);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("thread must be a UUID");
        }
    }

    private Priority checkedPriority() {
        if (priority == null) {
            return Priority.NORMAL;
        }
        Priority parsed = Priority.fromWireName(priority);
        if (parsed == null) {
            throw ApiException.invalid("priority must be onsite, normal or low");
        }
        return parsed;
    }

    private Map<String, Object> checkedMetadata() {
        if (metadata == null) {
            return Map.of();
        }
        metadata.forEach((key, value) -> {
            boolean valid = value instanceof String
                    || value instanceof List<?> list && list.stream().allMatch(String.class::isInstance);
            if (!valid) {
                throw ApiException.invalid("metadata." + key + " must be a string or an array of strings");
            }
        });
        return metadata;
    }
}
