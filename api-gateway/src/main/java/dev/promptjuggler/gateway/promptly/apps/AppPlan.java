package dev.promptjuggler.gateway.promptly.apps;

import dev.promptjuggler.contracts.RunKind;
import dev.promptjuggler.contracts.prompt.PromptConfig;
import dev.promptjuggler.contracts.prompt.PromptTemplate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What an app definition becomes: a prompt (one step whose answer is the output), or a workflow of Prompt nodes, one
 * per step, whose Output node {@value #OUTPUT} carries the rendered output template.
 *
 * @param outputTemplate the output template with placeholders: an input field's name, a step's id
 * @param inputs         the input fields some template refers to: the run inputs the app needs
 * @param live           what of the output streams as the model writes it; null when it comes whole, at the end
 */
record AppPlan(String name, String description, String changeNote, RunKind kind, List<Step> steps,
        String outputTemplate, List<String> inputs, Live live) {

    /** The name of the output, in the run's answer ({@code {"output": {"output": …}}}) and the workflow's Output node. */
    static final String OUTPUT = "output";

    /** The channel of a prompt app's runs. */
    static final String PROMPT_CHANNEL = "default";

    /** The name of the prompt made for one step of a workflow app. */
    static String stepName(String appName, String stepId) {
        return appName + " / " + stepId;
    }

    /**
     * The workflow's graph: an Input node per input field the templates use, a Prompt node per step (its channel the
     * step's id, so each step keeps its own history in a session), and the output template as a String node unless a
     * step's answer is the whole output.
     *
     * @param prompts each step's prompt and the version of it to run
     */
    Map<String, Object> workflow(Map<String, PublishedStep> prompts) {
        List<Map<String, Object>> nodes = new ArrayList<>();
        List<Map<String, Object>> edges = new ArrayList<>();
        for (String field : inputs) {
            nodes.add(node("in_" + field, "input", field, null));
        }
        for (Step step : steps) {
            PublishedStep published = prompts.get(step.id());
            nodes.add(node(step.id(), "prompt", step.id(), Map.of("prompt", published.promptId().toString(),
                    "version", String.valueOf(published.version()), "channel", step.id())));
            for (String placeholder : PromptTemplate.placeholders(step.prompt())) {
                edges.add(edge(source(placeholder), step.id(), placeholder));
            }
        }
        nodes.add(node("out", "output", OUTPUT, null));
        String single = singlePlaceholder(outputTemplate);
        if (single != null && steps.stream().anyMatch(step -> step.id().equals(single))) {
            edges.add(edge(single, "out", "in"));
        } else {
            nodes.add(node("render", "string", "output template",
                    Map.of("operation", "template", "template", outputTemplate)));
            for (String placeholder : PromptTemplate.placeholders(outputTemplate)) {
                edges.add(edge(source(placeholder), "render", placeholder));
            }
            edges.add(edge("render", "out", "in"));
        }
        return Map.of("nodes", nodes, "edges", edges);
    }

    /** A placeholder names an input field or an earlier step. */
    private String source(String placeholder) {
        return steps.stream().anyMatch(step -> step.id().equals(placeholder)) ? placeholder : "in_" + placeholder;
    }

    private static String singlePlaceholder(String template) {
        String trimmed = template.strip();
        var names = PromptTemplate.placeholders(trimmed);
        return names.size() == 1 && trimmed.equals("{{" + names.iterator().next() + "}}") ? names.iterator().next() : null;
    }

    private static Map<String, Object> node(String id, String type, String name, Map<String, Object> settings) {
        Map<String, Object> node = new LinkedHashMap<>();
        node.put("id", id);
        node.put("type", type);
        node.put("name", name);
        if (settings != null) {
            node.put("settings", settings);
        }
        return node;
    }

    private static Map<String, Object> edge(String from, String to, String toHandle) {
        return Map.of("from", from, "to", to, "toHandle", toHandle);
    }

    /** One processor: its id in the definition and the prompt it becomes. */
    record Step(String id, PromptConfig prompt) {
    }

    record PublishedStep(UUID promptId, int version) {
    }

    /**
     * The streamed part of the output: the answer of step {@code stepId}, after {@code prefix} (the output template's
     * text before it, with input placeholders).
     */
    record Live(String stepId, String prefix) {
    }
}
