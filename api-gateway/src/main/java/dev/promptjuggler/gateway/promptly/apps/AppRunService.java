package dev.promptjuggler.gateway.promptly.apps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.promptjuggler.contracts.Priority;
import dev.promptjuggler.contracts.RunKind;
import dev.promptjuggler.contracts.prompt.PromptTemplate;
import dev.promptjuggler.gateway.api.ApiException;
import dev.promptjuggler.gateway.persistence.RunRepository.RunRow;
import dev.promptjuggler.gateway.promptly.PromptlyConfig;
import dev.promptjuggler.gateway.promptly.apps.AppRepository.AppRow;
import dev.promptjuggler.gateway.service.DefinitionService;
import dev.promptjuggler.gateway.service.RunRequester;
import dev.promptjuggler.gateway.service.RunService;
import dev.promptjuggler.gateway.service.RunService.AcceptedRun;
import dev.promptjuggler.gateway.service.RunService.RunRequest;
import dev.promptjuggler.gateway.stream.StreamHub;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.MultiEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executor;
import org.jboss.logging.Logger;

/**
 * Synchronous runs of an app (docs/promptly.md, "Runs"): the run is created by {@link RunService} like any other, on
 * the session's thread, and the caller's answer waits for the run's end, seen on the thread's live frames
 * ({@link RunWatch} on {@link StreamHub}); no thread is held while it waits. Past {@code gateway.promptly.run-timeout}
 * the run's row is read once (a frame may be lost; the row never is): finished, it is answered; still going, the caller
 * is told which run it was.
 */
@ApplicationScoped
public class AppRunService {

    private static final Logger LOG = Logger.getLogger(AppRunService.class);

    private final AppRepository apps;
    private final DefinitionService definitions;
    private final RunService runs;
    private final StreamHub hub;
    private final ObjectMapper json;
    private final Duration timeout;

    public AppRunService(AppRepository apps, DefinitionService definitions, RunService runs, StreamHub hub,
            ObjectMapper json, PromptlyConfig config) {
        this.apps = apps;
        this.definitions = definitions;
        this.runs = runs;
        this.hub = hub;
        this.json = json;
        this.timeout = config.runTimeout();
    }

    /**
     * Starts a run of the app and answers once it ended: {@code {"id", "session": {"id"}, "output": {"output"}}},
     * with {@code errors} instead of an output when the run failed.
     *
     * @param requester who asks: the run is the tenant's, recorded with the key
     * @param session the session to continue, or null for a new one
     * @param onContext runs a task on the request's own context, where the answer is written
     */
    public Uni<byte[]> runAndWait(RunRequester requester, UUID appId, UUID session, JsonNode input, Executor onContext) {
        return start(requester, appId, session, input, false).chain(started -> started.watch().ended()
                .ifNoItem().after(timeout).recoverWithItem((Void) null)
                .chain(() -> runs.findRun(requester.tenantId(), started.kind(), started.run().id()))
                .emitOn(onContext)
                .map(run -> {
                    if (!finished(run)) {
                        throw timedOut(started);
                    }
                    return bytes(answer(started, run));
                })
                .eventually(() -> hub.unlisten(started.run().thread(), started.watch())));
    }

    /**
     * Starts a run of the app; the stream (one JSON object a line) opens once the run is accepted: first {@code {"id",
     * "session": {"id"}}}, then {@code {"output": <chunk>}} objects whose texts, joined, are the output, and, when the
     * run failed or did not end in time, a last {@code {"errors": [...]}}.
     */
    public Uni<Multi<byte[]>> runAndStream(RunRequester requester, UUID appId, UUID session, JsonNode input,
            Executor onContext) {
        return start(requester, appId, session, input, true).map(started -> Multi.createFrom()
                .<byte[]>emitter(emitter -> stream(requester.tenantId(), started, emitter))
                .emitOn(onContext)
                .onTermination().invoke(() -> hub.unlisten(started.run().thread(), started.watch())));
    }

    private void stream(UUID tenantId, Started started, MultiEmitter<? super byte[]> emitter) {
        emitter.emit(line(RunAnswer.head(started.run().id(), started.run().thread())));
        started.live().attach(chunk -> emitter.emit(line(Map.of(AppPlan.OUTPUT, chunk))));
        started.watch().ended()
                .ifNoItem().after(timeout).recoverWithItem((Void) null)
                .chain(() -> runs.findRun(tenantId, started.kind(), started.run().id()))
                .subscribe().with(run -> {
                    if (!finished(run)) {
                        started.live().finish(null);
                        emitter.emit(line(RunAnswer.failed("timeout", timedOut(started).getMessage())));
                    } else {
                        String output = output(started.kind(), run);
                        started.live().finish(output)
                                .ifPresent(rest -> emitter.emit(line(Map.of(AppPlan.OUTPUT, rest))));
                        if ("failed".equals(run.status())) {
                            emitter.emit(line(RunAnswer.failed("run_failed", error(started.kind(), run))));
                        }
                    }
                    emitter.complete();
                }, failure -> {
                    LOG.errorf(failure, "reading the outcome of run %s failed", started.run().id());
                    started.live().finish(null);
                    emitter.emit(line(RunAnswer.failed("internal", "the run's outcome could not be read: read run "
                            + started.run().id() + " later")));
                    emitter.complete();
                });
    }

    private Uni<Started> start(RunRequester requester, UUID appId, UUID session, JsonNode input, boolean streaming) {
        UUID tenantId = requester.tenantId();
        return apps.find(tenantId, appId)
                .map(found -> found.orElseThrow(() -> ApiException.notFound("app " + appId + " not found")))
                .chain(app -> definitions.findReferenced(tenantId, app.kind(), app.id().toString())
                        .map(definition -> definition.orElseThrow(() -> ApiException.notFound(
                                "app " + appId + " not found")))
                        .chain(definition -> {
                            AppPlan plan = AppMapping.plan(app.app());
                            Map<String, String> inputs = inputs(input, plan);
                            UUID thread = session != null ? session : UUID.randomUUID();
                            LiveOutput live = streaming && plan.live() != null
                                    ? new LiveOutput(PromptTemplate.render(plan.live().prefix(), inputs))
                                    : streaming ? new LiveOutput("") : null;
                            var watch = new RunWatch(tenantId, channel(app, plan), live);
                            hub.listen(thread, watch);
                            var request = new RunRequest(inputs, thread, Priority.NORMAL, null, Map.of(), Map.of(),
                                    AppPlan.PROMPT_CHANNEL);
                            return runs.createRun(requester, app.kind(), definition.slug(),
                                            DefinitionService.LATEST, request, null)
                                    .onFailure().invoke(() -> hub.unlisten(thread, watch))
                                    .invoke(accepted -> watch.accepted(accepted.id()))
                                    .map(accepted -> new Started(app.id(), app.kind(), accepted, watch, live));
                        }));
    }

    /** The frames' channel of the streamed step: a prompt run's own, a workflow's Prompt node's (its step id). */
    private static String channel(AppRow app, AppPlan plan) {
        if (plan.live() == null) {
            return null;
        }
        return app.kind() == RunKind.PROMPT ? AppPlan.PROMPT_CHANNEL : plan.live().stepId();
    }

    /** Promptly's {@code input}: strings as they are, numbers and booleans as their JSON text. */
    private static Map<String, String> inputs(JsonNode input, AppPlan plan) {
        Map<String, String> inputs = new LinkedHashMap<>();
        if (input != null && !input.isNull()) {
            if (!input.isObject()) {
                throw ApiException.invalid("input must be an object of the app's input fields");
            }
            input.fields().forEachRemaining(field -> {
                JsonNode value = field.getValue();
                if (value.isTextual()) {
                    inputs.put(field.getKey(), value.asText());
                } else if (value.isNumber() || value.isBoolean()) {
                    inputs.put(field.getKey(), value.toString());
                } else if (!value.isNull()) {
                    throw ApiException.invalid("input." + field.getKey() + " must be a string, a number or true/false");
                }
            });
        }
        List<String> missing = plan.inputs().stream().filter(name -> !inputs.containsKey(name)).toList();
        if (!missing.isEmpty()) {
            throw ApiException.invalid("input." + missing.get(0) + " is required (the app's templates use "
                    + String.join(", ", plan.inputs()) + ")");
        }
        return inputs;
    }

    private static RunAnswer answer(Started started, RunRow run) {
        var session = new RunAnswer.Session(started.run().thread());
        if ("failed".equals(run.status())) {
            return new RunAnswer(run.id(), session, null,
                    List.of(new RunAnswer.RunError("run_failed", error(started.kind(), run))));
        }
        return new RunAnswer(run.id(), session, Map.of(AppPlan.OUTPUT, output(started.kind(), run)), null);
    }

    private static String output(RunKind kind, RunRow run) {
        if (kind == RunKind.PROMPT) {
            return Optional.ofNullable(run.output()).orElse("");
        }
        JsonNode outputs = run.outputs();
        return outputs != null && outputs.hasNonNull(AppPlan.OUTPUT) ? outputs.get(AppPlan.OUTPUT).asText() : "";
    }

    private static String error(RunKind kind, RunRow run) {
        if (kind == RunKind.PROMPT || run.errors() == null || !run.errors().isArray() || run.errors().isEmpty()) {
            return Optional.ofNullable(run.error()).orElse("the run failed");
        }
        var messages = new java.util.ArrayList<String>();
        run.errors().forEach(message -> messages.add(message.asText()));
        return String.join("; ", messages);
    }

    private static boolean finished(RunRow run) {
        return "completed".equals(run.status()) || "failed".equals(run.status());
    }

    private ApiException timedOut(Started started) {
        String path = started.kind() == RunKind.PROMPT ? "/api/v1/promptruns/" : "/api/v1/workflowruns/";
        return new ApiException(504, "run " + started.run().id() + " of app " + started.appId() + " did not finish"
                + " within " + timeout.toSeconds() + " s; it goes on: read it with GET " + path + started.run().id()
                + " (session " + started.run().thread() + ")");
    }

    private byte[] bytes(Object value) {
        try {
            return json.writeValueAsBytes(value);
        } catch (Exception e) {
            throw new IllegalStateException("an answer that is not JSON", e);
        }
    }

    /** One line of the stream; the framework writes the newlines between them (application/x-ndjson). */
    private byte[] line(Object value) {
        return bytes(value);
    }

    private record Started(UUID appId, RunKind kind, AcceptedRun run, RunWatch watch, LiveOutput live) {
    }
}
