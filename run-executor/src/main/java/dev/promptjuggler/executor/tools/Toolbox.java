package dev.promptjuggler.executor.tools;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.promptjuggler.contracts.prompt.PromptTemplate;
import dev.promptjuggler.contracts.prompt.ToolRules;
import dev.promptjuggler.executor.config.ExecutorConfig;
import dev.promptjuggler.executor.knowledge.KnowledgeSearchClient;
import dev.promptjuggler.executor.llm.ChatRequest;
import dev.promptjuggler.executor.llm.ToolSpec;
import dev.promptjuggler.executor.persistence.DefinitionLookup;
import dev.promptjuggler.executor.service.NestingLimit;
import dev.promptjuggler.executor.workflow.WorkflowRuns;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns a prompt's tool definitions (the SDK's {@code Tool} types) into the tools of one run: placeholders
 * in descriptions, schemas, URLs and headers rendered with the run's inputs and variables, references
 * resolved within the run's tenant. A definition the run cannot work with (one that breaks {@link ToolRules},
 * {@code mcp}, {@code script}, a bad schema, a missing reference) fails the run with a message naming the tool.
 */
@ApplicationScoped
public class Toolbox {

    private final DefinitionLookup definitions;
    private final GuardedHttpClient http;
    private final ExecutorConfig.Tools config;
    private final ObjectMapper json;
    private final KnowledgeSearchClient knowledge;
    private final WorkflowRuns workflows;
    private final NestingLimit nesting;

    public Toolbox(DefinitionLookup definitions, GuardedHttpClient http, KnowledgeSearchClient knowledge,
            WorkflowRuns workflows, NestingLimit nesting, ExecutorConfig config, ObjectMapper json) {
        this.definitions = definitions;
        this.workflows = workflows;
        this.nesting = nesting;
        this.http = http;
        this.knowledge = knowledge;
        this.config = config.tools();
        this.json = json;
    }

    /** @return the run's tools, or a failed Uni with a {@link ToolDefinitionException} naming the tool */
    public Uni<Toolset> build(List<Map<String, Object>> definitions, ToolContext context) {
        var problem = ToolRules.problem(definitions);
        if (problem.isPresent()) {
            return Uni.createFrom().failure(new ToolDefinitionException(problem.get()));
        }
        List<Uni<FunctionTool>> functions = new ArrayList<>();
        ChatRequest.WebSearch webSearch = null;
        try {
            for (Map<String, Object> definition : definitions) {
                String type = text(definition, "type");
                if ("web_search".equals(type)) {
                    webSearch = new ChatRequest.WebSearch(strings(definition.get("allowedDomains")));
                } else {
                    functions.add(function(type, text(definition, "name"), definition, context));
                }
            }
        } catch (RuntimeException e) {
            // ToolDefinitionException, or a placeholder naming a variable the run does not have
            return Uni.createFrom().failure(e);
        }
        ChatRequest.WebSearch search = webSearch;
        if (functions.isEmpty()) {
            return Uni.createFrom().item(new Toolset(List.of(), search));
        }
        return Uni.join().all(functions).andFailFast().map(built -> new Toolset(built, search));
    }

    private Uni<FunctionTool> function(String type, String name, Map<String, Object> definition, ToolContext context) {
        boolean failFast = Boolean.TRUE.equals(definition.get("failFast"));
        String description = render(text(definition, "description"), context);
        return switch (type == null ? "" : type) {
            case "emit" -> {
                ParamsSchema schema = ParamsSchema.parse(name, render(text(definition, "paramsSchema"), context), json);
                yield Uni.createFrom().item(new EmitTool(new ToolSpec(name, description, schema.asMap()), schema, failFast, json));
            }
            case "http" -> Uni.createFrom().item(http(name, description, failFast, definition, context));
            case "knowledge_search" -> Uni.createFrom().item(new KnowledgeSearchTool(new ToolSpec(name,
                    description == null ? "Search the knowledge base for passages relevant to a query" : description,
                    KnowledgeSearchTool.PARAMETERS), failFast, text(definition, "knowledgeBaseId"), context.tenantId(),
                    config.knowledge().topK(), knowledge, json));
            case "prompt" -> prompt(name, description, failFast, definition, context);
            case "workflow" -> workflow(name, description, failFast, definition, context);
            default -> throw new ToolDefinitionException("tool '" + name + "': " + type
                    + " tools are not supported by this deployment");
        };
    }

    private FunctionTool http(String name, String description, boolean failFast, Map<String, Object> definition,
            ToolContext context) {
        String method = String.valueOf(definition.getOrDefault("method", "GET")).toUpperCase(Locale.ROOT);
        Map<String, String> headers = new LinkedHashMap<>();
        if (definition.get("headers") instanceof List<?> list) {
            for (Object item : list) {
                Map<?, ?> header = (Map<?, ?>) item;
                headers.put((String) header.get("key"),
                        render(header.get("value") == null ? "" : String.valueOf(header.get("value")), context));
            }
        }
        ParamsSchema schema = ParamsSchema.parse(name, render(text(definition, "paramsSchema"), context), json);
        return new HttpTool(new ToolSpec(name, description, schema.asMap()), schema, failFast, method,
                render(text(definition, "url"), context), headers, http, json);
    }

    private Uni<FunctionTool> prompt(String name, String description, boolean failFast, Map<String, Object> definition,
            ToolContext context) {
        refuseNesting(name, context);
        Map<?, ?> ref = (Map<?, ?>) definition.get("versionRef");
        String target = String.valueOf(ref.get("definitionId"));
        String revision = revision(ref);
        return definitions.publishedPrompt(context.tenantId(), target, revision)
                .map(found -> found.orElseThrow(() -> new ToolDefinitionException("tool '" + name + "': prompt "
                        + target + " has no published revision " + revision)))
                .map(config -> new PromptTool(new ToolSpec(name, description,
                        Arguments.stringParameters(PromptTemplate.placeholders(config))), failFast, config, context, json));
    }

    private Uni<FunctionTool> workflow(String name, String description, boolean failFast, Map<String, Object> definition,
            ToolContext context) {
        refuseNesting(name, context);
        Map<?, ?> ref = (Map<?, ?>) definition.get("versionRef");
        String target = String.valueOf(ref.get("definitionId"));
        String revision = revision(ref);
        return definitions.publishedWorkflow(context.tenantId(), target, revision)
                .map(found -> found.orElseThrow(() -> new ToolDefinitionException("tool '" + name + "': workflow "
                        + target + " has no published revision " + revision)))
                .map(workflow -> new WorkflowTool(new ToolSpec(name, description, WorkflowTool.parameters(workflow)),
                        failFast, workflow, context, workflows, json));
    }

    /** A prompt or workflow tool runs one level below its prompt; one that would nest too deep fails the prompt. */
    private void refuseNesting(String name, ToolContext context) {
        nesting.refusal(context.depth() + 1).ifPresent(reason -> {
            throw new ToolDefinitionException("tool '" + name + "': " + reason);
        });
    }

    /** The SDK's {@code VersionRef.idOrTag}: a version number, a tag or a revision id. */
    private static String revision(Map<?, ?> versionRef) {
        Object idOrTag = versionRef.get("idOrTag");
        return idOrTag instanceof Number number ? String.valueOf(number.longValue()) : String.valueOf(idOrTag);
    }

    private static String render(String template, ToolContext context) {
        return template == null ? null : PromptTemplate.render(template, context.inputs(), context.variables());
    }

    private static String text(Map<String, Object> definition, String key) {
        Object value = definition.get(key);
        return value == null ? null : String.valueOf(value);
    }

    private static List<String> strings(Object value) {
        return value instanceof List<?> list ? list.stream().map(String::valueOf).toList() : List.of();
    }
}
