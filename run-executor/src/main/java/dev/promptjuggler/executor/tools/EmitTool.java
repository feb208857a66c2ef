package dev.promptjuggler.executor.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.promptjuggler.executor.llm.ToolCall;
import dev.promptjuggler.executor.llm.ToolSpec;
import dev.promptjuggler.executor.service.RunCosts.Spend;
import io.opentelemetry.context.Context;
import io.smallrye.mutiny.Uni;
import java.util.List;

/**
 * The SDK's {@code Emit} tool: the model hands over a payload that follows the tool's schema; the payload,
 * verbatim, lands in the run's {@code emitted} and {@code transcript}.
 */
final class EmitTool extends DefinedTool {

    private final ParamsSchema schema;

    EmitTool(ToolSpec spec, ParamsSchema schema, boolean failFast, ObjectMapper json) {
        super(spec, failFast, json);
        this.schema = schema;
    }

    @Override
    Uni<ToolOutcome> call(ToolCall call, JsonNode payload, Context trace) {
        return Uni.createFrom().item(() -> {
            String violations = schema.violations(payload);
            if (violations != null) {
                return ToolOutcome.failed("the payload does not follow the schema: " + violations);
            }
            return new ToolOutcome("emitted", false, payload, List.of(), Spend.NONE);
        });
    }
}
