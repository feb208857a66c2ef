package dev.promptjuggler.executor.workflow;

import dev.promptjuggler.contracts.prompt.PromptConfig;
import dev.promptjuggler.executor.config.ExecutorConfig;
import dev.promptjuggler.executor.llm.ChatMessage;
import dev.promptjuggler.executor.persistence.DefinitionLookup;
import dev.promptjuggler.executor.persistence.MemoryStore;
import dev.promptjuggler.executor.persistence.RunStore.Remembered;
import dev.promptjuggler.executor.service.MemoryMode;
import dev.promptjuggler.executor.service.PromptInput;
import dev.promptjuggler.executor.service.RunCosts;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;

/**
 * Prompt nodes (and a Fanout's prompt items): the published prompt the node names, run with the node's inputs on
 * the run's thread, reading and keeping memory on the node's {@code channel} as the prompt's memory mode says.
 */
@ApplicationScoped
public class PromptNodes {

    private final DefinitionLookup definitions;
    private final MemoryStore memory;
    private final RunCosts costs;
    private final int memoryWindow;

    public PromptNodes(DefinitionLookup definitions, MemoryStore memory, RunCosts costs, ExecutorConfig config) {
        this.definitions = definitions;
        this.memory = memory;
        this.costs = costs;
        this.memoryWindow = config.memory().window();
    }

    /** The memory lane a node's prompt reads and writes. */
    public static String channel(Map<String, Object> settings) {
        return String.valueOf(settings.getOrDefault("channel", "default"));
    }

    /** The prompt a node's settings name ({@code prompt}, {@code version}). */
    Uni<PromptConfig> config(Walk walk, Map<String, Object> settings) {
        String ref = String.valueOf(settings.get("prompt"));
        String version = Settings.text(settings.get("version"));
        return definitions.publishedPrompt(walk.run().tenantId(), ref, version).map(found -> found.orElseThrow(() ->
                new IllegalStateException("prompt " + ref + " has no published version " + version)));
    }

    /**
     * Runs the node's prompt with {@code inputs}.
     *
     * @param remember receives what the prompt's memory mode keeps, for the statement that stores the node's result
     */
    Uni<NodeOutcome> run(Walk walk, Map<String, Object> settings, Map<String, String> inputs, List<Remembered> remember) {
        String channel = channel(settings);
        return config(walk, settings).chain(config -> {
            MemoryMode mode = MemoryMode.of(config.memory());
            Uni<List<ChatMessage>> history = mode.reads()
                    ? memory.history(walk.run().threadId(), channel, memoryWindow) : Uni.createFrom().item(List.of());
            return history.chain(messages -> walk.prompts().run(config, new PromptInput(walk.run().tenantId(),
                            walk.run().runId(), walk.run().threadId(), inputs, walk.run().variables(), messages, walk.depth(),
                            walk.run().stream().channel(channel), walk.run().trace())))
                    .map(result -> {
                        NodeOutcome outcome = result.failure() == null
                                ? NodeOutcome.completed(result.output() == null ? Map.of() : Map.of("out", result.output()))
                                : NodeOutcome.failed(result.failure());
                        if (result.failure() == null && mode.writes()) {
                            result.userMessages().forEach(text -> remember.add(new Remembered("user", text)));
                            if (result.output() != null) {
                                remember.add(new Remembered("assistant", result.output()));
                            }
                        }
                        RunCosts.Spend spent = costs.spend(result.turns(), result.nested());
                        return outcome.withSpend(spent.usage(), spent.cost());
                    });
        });
    }
}
