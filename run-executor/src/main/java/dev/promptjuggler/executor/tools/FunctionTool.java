package dev.promptjuggler.executor.tools;

import dev.promptjuggler.executor.llm.ToolCall;
import dev.promptjuggler.executor.llm.ToolSpec;
import io.opentelemetry.context.Context;
import io.smallrye.mutiny.Uni;

/** A tool of a prompt that the model calls as a function, ready for one run. */
public interface FunctionTool {

    /** What the model is told: name, description, parameters schema (placeholders rendered). */
    ToolSpec spec();

    /** Whether a failed call ends the run instead of being reported to the model. */
    boolean failFast();

    /**
     * Runs one call; never fails: a failure is a {@link ToolOutcome#failed} outcome.
     *
     * @param trace the call's span, for the requests the tool makes (their spans are its children)
     */
    Uni<ToolOutcome> call(ToolCall call, Context trace);
}
