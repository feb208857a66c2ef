package dev.promptjuggler.executor.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.promptjuggler.contracts.prompt.PromptConfig;
import dev.promptjuggler.executor.llm.ToolCall;
import dev.promptjuggler.executor.llm.ToolSpec;
import io.opentelemetry.context.Context;
import io.smallrye.mutiny.Uni;

/**
 * The SDK's {@code PromptCall} tool: another published prompt of the tenant, run inside this run. The model
 * passes the nested prompt's inputs (its {@code {{placeholders}}}) as arguments; the nested prompt's answer
 * is the result; its tokens and cost count towards this run. A nested prompt keeps no thread memory.
 */
final class PromptTool extends DefinedTool {

    private final PromptConfig target;
    private final ToolContext context;

    PromptTool(ToolSpec spec, boolean failFast, PromptConfig target, ToolContext context, ObjectMapper json) {
        super(spec, failFast, json);
        this.target = target;
        this.context = context;
    }

    @Override
    Uni<ToolOutcome> call(ToolCall call, JsonNode arguments, Context trace) {
        return context.prompts().run(target, context.run().nested(Arguments.asStrings(arguments))).map(result ->
                (result.failure() == null
                        ? ToolOutcome.ok(result.output() == null ? "" : result.output())
                        : ToolOutcome.failed("prompt '" + spec().name() + "' failed: " + result.failure()))
                        .withTurns(result.turns()).withSpent(result.nested()));
    }
}
