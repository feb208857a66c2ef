package dev.promptjuggler.executor.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.promptjuggler.contracts.prompt.PromptConfig;
import dev.promptjuggler.contracts.prompt.PromptMessage;
import dev.promptjuggler.contracts.prompt.PromptTemplate;
import dev.promptjuggler.contracts.prompt.ToolRules;
import dev.promptjuggler.executor.config.ExecutorConfig;
import dev.promptjuggler.executor.llm.ChatMessage;
import dev.promptjuggler.executor.llm.ChatModels;
import dev.promptjuggler.executor.llm.ChatRequest;
import dev.promptjuggler.executor.llm.ChatResponse;
import dev.promptjuggler.executor.llm.ModelTurn;
import dev.promptjuggler.executor.llm.ResponseFormat;
import dev.promptjuggler.executor.llm.ToolCall;
import dev.promptjuggler.executor.metrics.ExecutorMetrics;
import dev.promptjuggler.executor.stream.RunStream;
import dev.promptjuggler.executor.tools.FunctionTool;
import dev.promptjuggler.executor.tools.ToolContext;
import dev.promptjuggler.executor.tools.ToolOutcome;
import dev.promptjuggler.executor.tools.Toolbox;
import dev.promptjuggler.executor.tools.Toolset;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs one prompt: renders its templates, puts the thread's memory before its messages, asks the model,
 * and runs the tool loop: the tools the model calls are run (in call order) and their results handed back,
 * until the model answers without calling a tool or {@code executor.tools.max-turns} is reached. A tool that
 * fails is reported to the model, unless it is {@code failFast}: then the run fails.
 *
 * <p>Never fails: what went wrong is the result's {@code failure}, with everything the run did before it
 * (token usage of earlier turns, transcript, emitted payloads), as the SDK reports a failed run.
 */
@ApplicationScoped
public class PromptExecution implements PromptRunner {

    private final ChatModels models;
    private final Toolbox toolbox;
    private final int maxTurns;
    private final ExecutorMetrics metrics;
    private final Tracer tracer;

    public PromptExecution(ChatModels models, Toolbox toolbox, ExecutorConfig config, ExecutorMetrics metrics,
            Tracer tracer) {
        this.models = models;
        this.toolbox = toolbox;
        this.maxTurns = config.tools().maxTurns();
        this.metrics = metrics;
        this.tracer = tracer;
    }

    @Override
    public Uni<PromptResult> run(PromptConfig config, PromptInput input) {
        Progress progress = new Progress();
        return Uni.createFrom().item(() -> request(config, input))
                .invoke(request -> request.messages().subList(input.history().size(), request.messages().size())
                        .forEach(message -> {
                            if (message instanceof ChatMessage.User user) {
                                progress.userMessages.add(user.text());
                            }
                        }))
                .chain(request -> toolbox.build(config.tools(), new ToolContext(input, this))
                        .chain(tools -> turn(config.provider(), request.withTools(tools.specs(), tools.webSearch()), tools,
                                input, progress, 1)))
                .map(output -> progress.result(output, null))
                .onFailure().recoverWithItem(failure -> progress.result(null, describe(failure)));
    }

    /**
     * The first turn's request: system instruction and messages rendered ({@code {{input}}}, {@code ${VAR}}),
     * after the thread's history. Tools are added by the run.
     */
    static ChatRequest request(PromptConfig config, PromptInput input) {
        String system = config.systemInstruction() == null || config.systemInstruction().isBlank()
                ? null : PromptTemplate.render(config.systemInstruction(), input.inputs(), input.variables());
        List<ChatMessage> messages = new ArrayList<>(input.history());
        for (PromptMessage message : config.messages()) {
            String text = PromptTemplate.render(message.content(), input.inputs(), input.variables());
            messages.add("assistant".equals(message.role()) ? new ChatMessage.Assistant(text) : new ChatMessage.User(text));
        }
        return new ChatRequest(config.model(), system, messages, List.of(), null, responseFormat(config.responseFormat()),
                config.modelParams());
    }

    private Uni<String> turn(String provider, ChatRequest request, Toolset tools, PromptInput input, Progress progress,
            int turn) {
        RunStream.Segment segment = input.stream().nextSegment();
        Uni<ChatResponse> answer = models.complete(provider, request, input.variables(), progress::attemptFailed, segment,
                input.trace());
        return answer.chain(response -> {
            progress.answered(provider, request.model(), response);
            if (response.toolCalls().isEmpty()) {
                return Uni.createFrom().item(response.text());
            }
            if (turn >= maxTurns) {
                return Uni.createFrom().failure(new IllegalStateException(
                        "the model was still calling tools after " + maxTurns + " turns (executor.tools.max-turns)"));
            }
            return Multi.createFrom().iterable(response.toolCalls())
                    .onItem().transformToUniAndConcatenate(call -> traced(call, tools, progress, segment, input.trace()))
                    .collect().asList()
                    .chain(results -> {
                        List<ChatMessage> next = new ArrayList<>(request.messages());
                        next.add(new ChatMessage.Assistant(response.text(), response.toolCalls()));
                        next.addAll(results);
                        return turn(provider, request.withMessages(next), tools, input, progress, turn + 1);
                    });
        });
    }

    /** A tool call as a span of the run's trace: the tool's name and whether it failed, never its arguments. */
    private Uni<ChatMessage> traced(ToolCall call, Toolset tools, Progress progress, RunStream.Segment segment,
            Context trace) {
        Span span = tracer.spanBuilder("execute_tool " + call.name())
                .setParent(trace)
                .setAttribute("gen_ai.operation.name", "execute_tool")
                .setAttribute("gen_ai.tool.name", call.name())
                .startSpan();
        return Uni.createFrom().deferred(() -> call(call, tools, progress, segment, trace.with(span)))
                .invoke(result -> {
                    if (result instanceof ChatMessage.ToolResult tool && tool.error()) {
                        span.setStatus(StatusCode.ERROR);
                    }
                })
                .onFailure().invoke(failure -> span.setStatus(StatusCode.ERROR))
                .onTermination().invoke(span::end);
    }

    private Uni<ChatMessage> call(ToolCall call, Toolset tools, Progress progress, RunStream.Segment segment,
            Context trace) {
        String ref = streamRef(call.id());
        segment.toolStart(ref, call.name());
        FunctionTool tool = tools.find(call.name()).orElse(null);
        if (tool == null) {
            metrics.toolCall("error");
            progress.transcript.add(new TranscriptTool(call.name(), "error"));
            segment.toolEnd(ref, call.name(), "error");
            return Uni.createFrom().item(new ChatMessage.ToolResult(call.id(), call.name(),
                    "there is no tool named " + call.name(), true));
        }
        return tool.call(call, trace).chain(outcome -> {
            metrics.toolCall(outcome.failed() ? "error" : "ok");
            progress.toolEnded(call.name(), outcome);
            if (outcome.emitted() != null) {
                segment.data(call.name(), outcome.emitted());
            }
            segment.toolEnd(ref, call.name(), outcome.failed() ? "error" : "ok");
            if (outcome.failed() && tool.failFast()) {
                return Uni.createFrom().failure(new IllegalStateException(
                        "tool '" + call.name() + "' failed: " + outcome.content()));
            }
            return Uni.createFrom().item(new ChatMessage.ToolResult(call.id(), call.name(), outcome.content(),
                    outcome.failed()));
        });
    }

    /** A call's id as the stream pairs its frames: without what a client appends after {@code |} (Gemini's signature). */
    private static String streamRef(String callId) {
        int separator = callId == null ? -1 : callId.indexOf('|');
        return separator < 0 ? callId : callId.substring(0, separator);
    }

    private static ResponseFormat responseFormat(Map<String, Object> format) {
        if (format == null || format.get("type") == null || "text".equals(format.get("type"))) {
            return null;
        }
        String type = String.valueOf(format.get("type"));
        Map<String, Object> schema = ToolRules.jsonObject(format.get("schema"));
        String name = format.get("name") == null ? "response" : String.valueOf(format.get("name"));
        return new ResponseFormat(type, name, schema, Boolean.TRUE.equals(format.get("strict")));
    }

    private static String describe(Throwable failure) {
        return failure.getMessage() != null ? failure.getMessage() : failure.getClass().getSimpleName();
    }

    /** What one prompt run did so far; filled by one turn at a time (never concurrently). */
    private static final class Progress {
        final List<String> userMessages = new ArrayList<>();
        final List<Object> transcript = new ArrayList<>();
        final List<PromptResult.EmittedItem> emitted = new ArrayList<>();
        final List<ModelTurn> turns = new ArrayList<>();
        RunCosts.Spend nested = RunCosts.Spend.NONE;
        volatile String lastAttemptError;

        void attemptFailed(Throwable failure) {
            lastAttemptError = describe(failure);
        }

        void answered(String provider, String model, ChatResponse response) {
            turns.add(new ModelTurn(provider, model, response.usage(), response.webSearches().size()));
            response.webSearches().forEach(search -> transcript.add(
                    new TranscriptTool("web_search", "ok", search.queries(), search.citations())));
            if (response.text() != null && !response.text().isBlank()) {
                transcript.add(new TranscriptText(response.text()));
            }
        }

        void toolEnded(String name, ToolOutcome outcome) {
            turns.addAll(outcome.turns());
            nested = nested.plus(outcome.spent());
            transcript.add(new TranscriptTool(name, outcome.failed() ? "error" : "ok"));
            if (outcome.emitted() != null) {
                emitted.add(new PromptResult.EmittedItem(name, outcome.emitted()));
                transcript.add(new TranscriptData(name, outcome.emitted()));
            }
        }

        PromptResult result(String output, String failure) {
            return new PromptResult(failure == null ? output : null, failure, lastAttemptError, List.copyOf(userMessages),
                    List.copyOf(transcript), List.copyOf(emitted), List.copyOf(turns), nested);
        }
    }

    /** The SDK's {@code TranscriptText}. */
    public record TranscriptText(String type, String content, List<ChatResponse.Citation> citations) {
        TranscriptText(String content) {
            this("text", content, List.of());
        }
    }

    /** The SDK's {@code TranscriptTool}: a tool the model used and how the call ended ({@code ok}, {@code error}). */
    public record TranscriptTool(String type, String name, String status, List<String> queries,
            List<ChatResponse.Citation> citations) {
        TranscriptTool(String name, String status) {
            this("tool", name, status, List.of(), List.of());
        }

        TranscriptTool(String name, String status, List<String> queries, List<ChatResponse.Citation> citations) {
            this("tool", name, status, queries, citations);
        }
    }

    /** The SDK's {@code TranscriptData}: an emit tool's payload, in the position it was produced. */
    public record TranscriptData(String type, String tool, JsonNode payload) {
        TranscriptData(String tool, JsonNode payload) {
            this("data", tool, payload);
        }
    }
}
