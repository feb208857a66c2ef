package dev.promptjuggler.executor.tools;

import dev.promptjuggler.executor.llm.ChatRequest;
import dev.promptjuggler.executor.llm.ToolSpec;
import java.util.List;
import java.util.Optional;

/**
 * A prompt's tools for one run.
 *
 * @param webSearch the provider's native web search, or null
 */
public record Toolset(List<FunctionTool> functions, ChatRequest.WebSearch webSearch) {

    public List<ToolSpec> specs() {
        return functions.stream().map(FunctionTool::spec).toList();
    }

    public Optional<FunctionTool> find(String name) {
        return functions.stream().filter(tool -> tool.spec().name().equals(name)).findFirst();
    }
}
