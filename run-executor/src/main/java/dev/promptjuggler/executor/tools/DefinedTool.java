package dev.promptjuggler.executor.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.promptjuggler.executor.llm.ToolCall;
import dev.promptjuggler.executor.llm.ToolSpec;
import io.opentelemetry.context.Context;
import io.smallrye.mutiny.Uni;

/** What every tool built from a definition shares: its spec, its {@code failFast}, reading the arguments. */
abstract class DefinedTool implements FunctionTool {

    private final ToolSpec spec;
    private final boolean failFast;
    protected final ObjectMapper json;

    DefinedTool(ToolSpec spec, boolean failFast, ObjectMapper json) {
        this.spec = spec;
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

    /** Arguments that are not a JSON object fail the call; others go to {@link #call(ToolCall, JsonNode, Context)}. */
    @Override
    public Uni<ToolOutcome> call(ToolCall call, Context trace) {
        JsonNode arguments = Arguments.parse(call, json);
        return arguments == null
                ? Uni.createFrom().item(ToolOutcome.failed("the arguments are not a JSON object"))
                : call(call, arguments, trace);
    }

    /**
     * @param arguments the call's arguments, a JSON object
     * @param trace     the call's span
     */
    abstract Uni<ToolOutcome> call(ToolCall call, JsonNode arguments, Context trace);
}
