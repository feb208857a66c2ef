package dev.promptjuggler.executor.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.promptjuggler.contracts.prompt.PromptConfig;
import dev.promptjuggler.executor.llm.ToolCall;
import dev.promptjuggler.executor.llm.ToolSpec;
import dev.promptjuggler.executor.service.PromptExecution;
import io.smallrye.mutiny.Uni;
import java.util.List;
import java.util.Map;

/**
 * The SDK's {@code PromptCall} tool: another published prompt of the tenant, run inside this run. The model
 * passes the nested prompt's inputs (its {@code {{placeholders}}}) as arguments; the nested prompt's answer
 * is the result; its tokens and cost count towards this run. A nested prompt keeps no thread memory.
 */
final class PromptTool implements FunctionTool {

    private final ToolSpec spec;
    private final boolean failFast;
    private final PromptConfig target;
    private final ToolContext context;
    private final ObjectMapper json;

    PromptTool(ToolSpec spec, boolean failFast, PromptConfig target, ToolContext context, ObjectMapper json) {
        this.spec = spec;
        this.failFast = failFast;
        this.target = target;
        this.context = context;
        this.json = json;
    }

    /** One string parameter per placeholder of the nested prompt, all required. */
    static Map<String, Object> parameters(java.util.Set<String> placeholders) {
        Map<String, Object> properties = new java.util.LinkedHashMap<>();
        placeholders.forEach(name -> properties.put(name, Map.of("type", "string")));
        return Map.of("type", "object", "properties", properties, "required", List.copyOf(placeholders));
    }

    @Override
    public ToolSpec spec() {
        return spec;
    }

    @Override
    public boolean failFast() {
        return failFast;
    }

    @Override
    public Uni<ToolOutcome> call(ToolCall call) {
        JsonNode arguments = Arguments.parse(call, json);
        if (arguments == null) {
            return Uni.createFrom().item(ToolOutcome.failed("the arguments are not a JSON object"));
        }
        return context.nested().run(target, context.run().nested(Arguments.asStrings(arguments))).map(result ->
                (result.failure() == null
                        ? ToolOutcome.ok(result.output() == null ? "" : result.output())
                        : ToolOutcome.failed("prompt '" + spec.name() + "' failed: " + result.failure()))
                        .withTurns(result.turns()).withSpent(result.nested()));
    }
}
