package dev.promptjuggler.executor.service;

import dev.promptjuggler.contracts.prompt.PromptConfig;
import io.smallrye.mutiny.Uni;

/**
 * Runs one prompt. What workflows and tools need of prompt execution: they get it with the run they work for
 * (a {@link PromptExecution} hands itself on), so they depend on this, never on the prompt execution that builds
 * them its tools.
 */
public interface PromptRunner {

    /** Never fails: what went wrong is the result's {@code failure}. */
    Uni<PromptResult> run(PromptConfig config, PromptInput input);
}
