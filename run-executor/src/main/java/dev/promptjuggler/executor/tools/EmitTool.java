package dev.promptjuggler.executor.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.promptjuggler.executor.llm.ToolCall;
import dev.promptjuggler.executor.llm.ToolSpec;
import io.smallrye.mutiny.Uni;

/**
 * The SDK's {@code Emit} tool: the model hands over a payload that follows the tool's schema; the payload,
 * verbatim, lands in the run's {@code emitted} and {@code transcript}.
 */
final class EmitTool implements FunctionTool {

    private final ToolSpec spec;
    private final ParamsSchema schema;
    private final boolean failFast;
    private final ObjectMapper json;

    EmitTool(ToolSpec spec, ParamsSchema schema, boolean failFast, ObjectMapper json) {
        this.spec = spec;
        this.schema = schema;
        this.failFast = failFast;
        this.json = json;
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
        return Uni.createFrom().item(() -> {
            JsonNode payload = Arguments.parse(call, json);
            if (payload == null) {
                return ToolOutcome.failed("the arguments are not a JSON object");
            }
            String violations = schema.violations(payload);
            if (violations != null) {
                return ToolOutcome.failed("the payload does not follow the schema: " + violations);
            }
            return new ToolOutcome("emitted", false, payload, java.util.List.of(), dev.promptjuggler.executor.service.RunCosts.Spend.NONE);
        });
    }
}
