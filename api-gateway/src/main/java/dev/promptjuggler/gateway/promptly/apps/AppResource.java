package dev.promptjuggler.gateway.promptly.apps;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import dev.promptjuggler.gateway.api.Caller;
import dev.promptjuggler.gateway.api.PathParams;
import dev.promptjuggler.gateway.promptly.apps.AppService.SavedApp;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executor;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.ResponseStatus;
import org.jboss.resteasy.reactive.RestMulti;

/**
 * The Promptly (LLMStack) API's apps: create one from its YAML definition, publish a new version, run it and wait for
 * its answer, or stream it (docs/promptly.md). Authenticated with {@code Authorization: Token <API key>} (ApiKeyFilter).
 */
@Path("/api/apps")
@Tag(name = "Promptly")
public class AppResource {

    static final String YAML = "application/yaml";
    static final String NDJSON = "application/x-ndjson";
    private static final String EXAMPLE_APP = """
            name: Translator
            description: Translates a text
            type_slug: web
            input_fields:
              - { name: text, title: Text, type: text }
              - { name: language, title: Language, type: string }
            output_template:
              markdown: "{{_inputs1.choices[0].content}}"
            processors:
              - id: _inputs1
                provider_slug: openai
                processor_slug: chatgpt
                input:
                  system_message: You are a translator.
                  messages:
                    - { role: user, content: "Translate to {{_inputs0.language}}: {{_inputs0.text}}" }
                config: { model: gpt-4o-mini, max_tokens: 1024, temperature: 0.7, retain_history: true }
            """;

    private static final String ANSWER = "The run's answer; with \"stream\": true, its parts, one JSON object a line"
            + " (docs/promptly.md)";
    private static final String STREAMED_ANSWER = """
            {"id":"0f9c2a4e-5b7d-4c1a-9e3f-2a6b8c0d1e2f","session":{"id":"a1b2c3d4-1111-4222-8333-944455566677"}}
            {"output":"Hola "}
            {"output":"mundo"}
            """;
    private static final String NOT_FINISHED = "run 0f9c2a4e-5b7d-4c1a-9e3f-2a6b8c0d1e2f of app"
            + " 3d5579f1-3333-471d-9c3c-3afac37749f1 did not finish within 60 s; it goes on: read it with GET"
            + " /api/v1/promptruns/0f9c2a4e-5b7d-4c1a-9e3f-2a6b8c0d1e2f";

    private final AppService apps;
    private final AppRunService runs;
    private final AppDefinitionReader reader;
    private final Caller caller;

    public AppResource(AppService apps, AppRunService runs, AppDefinitionReader reader, Caller caller) {
        this.apps = apps;
        this.runs = runs;
        this.reader = reader;
        this.caller = caller;
    }

    @POST
    @Consumes({YAML, "application/x-yaml", "text/yaml", MediaType.APPLICATION_JSON})
    @Produces(MediaType.APPLICATION_JSON)
    @ResponseStatus(201)
    @RequestBody(required = true, content = @Content(mediaType = YAML, schema = @Schema(type = SchemaType.STRING),
            examples = @ExampleObject(name = "translator", value = EXAMPLE_APP)))
    @APIResponse(responseCode = "201", description = "The app, its first version published", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = AppResponse.class)))
    @APIResponse(responseCode = "409", description = "workflow slug wf_translator is already taken; choose another name")
    @Operation(summary = "Create an app from its Promptly (LLMStack) YAML definition and publish it",
            description = "One OpenAI chat processor whose answer is the output becomes a prompt; a chain of them (or an"
                    + " output template around the answers) a workflow of Prompt nodes. What has no equivalent is a 422"
                    + " naming its path in the definition (docs/promptly.md).")
    public Uni<AppResponse> create(String body, @Context HttpHeaders headers) {
        JsonNode definition = reader.read(body, headers.getMediaType());
        return apps.create(caller.tenantId(), definition).map(AppResponse::of);
    }

    @PATCH
    @Path("/{app_uuid}")
    @Consumes({YAML, "application/x-yaml", "text/yaml", MediaType.APPLICATION_JSON})
    @Produces(MediaType.APPLICATION_JSON)
    @RequestBody(required = true, content = @Content(mediaType = YAML, schema = @Schema(type = SchemaType.STRING),
            examples = @ExampleObject(name = "new output template", value = "output_template:\n  markdown: \""
                    + "Translation: {{_inputs1.choices[0].content}}\"\n")))
    @APIResponse(responseCode = "200", description = "The app, its new version published", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = AppResponse.class)))
    @APIResponse(responseCode = "409", description = "workflow slug wf_translator_2 is already taken")
    @Operation(summary = "Save and publish a new version of an app; the top-level keys given replace the saved ones")
    public Uni<AppResponse> update(@PathParam("app_uuid") String app, String body, @Context HttpHeaders headers) {
        UUID appId = PathParams.uuid(app, "app_uuid", "app");
        JsonNode patch = reader.read(body, headers.getMediaType());
        return apps.update(caller.tenantId(), appId, patch).map(AppResponse::of);
    }

    @POST
    @Path("/{app_uuid}/run")
    @Consumes(MediaType.APPLICATION_JSON)
    // One JSON object a line when streamed; a whole answer is sent as application/json (see run below). Any Accept
    // is taken (RunAcceptFilter).
    @Produces(NDJSON)
    @APIResponse(responseCode = "200", description = ANSWER, content = {
                @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = RunAnswer.class)),
                @Content(mediaType = NDJSON, schema = @Schema(type = SchemaType.STRING), example = STREAMED_ANSWER)})
    @APIResponse(responseCode = "504", description = NOT_FINISHED)
    @Operation(summary = "Run an app in a new session and wait for its answer (or stream it)")
    public RestMulti<byte[]> run(@PathParam("app_uuid") String app, RunRequest body) {
        return run(app, null, body);
    }

    @POST
    @Path("/{app_uuid}/run/{session_id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(NDJSON)
    @APIResponse(responseCode = "200", description = ANSWER, content = {
                @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = RunAnswer.class)),
                @Content(mediaType = NDJSON, schema = @Schema(type = SchemaType.STRING), example = STREAMED_ANSWER)})
    @APIResponse(responseCode = "504", description = NOT_FINISHED)
    @Operation(summary = "Run an app in a session (its history is the session's earlier turns) and wait for its answer")
    public RestMulti<byte[]> runInSession(@PathParam("app_uuid") String app, @PathParam("session_id") String session,
            RunRequest body) {
        return run(app, session, body);
    }

    private RestMulti<byte[]> run(String app, String session, RunRequest body) {
        UUID appId = PathParams.uuid(app, "app_uuid", "app");
        RunRequest request = body == null ? new RunRequest(null, null, null) : body;
        String sessionText = session != null ? session : request.sessionId();
        UUID sessionId = sessionText == null ? null : PathParams.uuid(sessionText, "session_id", "session");
        io.vertx.core.Context context = Vertx.currentContext();
        Executor onContext = task -> context.runOnContext(ignored -> task.run());
        Uni<Reply> reply = Boolean.TRUE.equals(request.stream())
                ? runs.runAndStream(caller.requester(), appId, sessionId, request.input(), onContext)
                        .map(lines -> new Reply(lines, NDJSON))
                : runs.runAndWait(caller.requester(), appId, sessionId, request.input(), onContext)
                        .map(answer -> new Reply(Multi.createFrom().item(answer), MediaType.APPLICATION_JSON));
        return RestMulti.fromUniResponse(reply, Reply::body,
                answer -> Map.of(HttpHeaders.CONTENT_TYPE, List.of(answer.type())), answer -> 200);
    }

    private record Reply(Multi<byte[]> body, String type) {
    }

    /**
     * @param input     the values of the app's input fields: strings, numbers or true/false
     * @param stream    true: the answer's parts as they are written, one JSON object a line
     * @param sessionId the session to continue, as the path's {@code session_id} names it
     */
    @Schema(name = "PromptlyRunRequest")
    public record RunRequest(@Schema(type = SchemaType.OBJECT) JsonNode input, Boolean stream,
            @JsonProperty("session_id") String sessionId) {
    }

    /** An app: its uuid is the id of the prompt or workflow it is, named in {@code definition}. */
    @Schema(name = "PromptlyApp")
    public record AppResponse(UUID uuid, String name, String description, int version,
            @JsonProperty("is_published") boolean published, @JsonProperty("created_at") OffsetDateTime createdAt,
            @JsonProperty("last_updated_at") OffsetDateTime lastUpdatedAt, Definition definition) {

        static AppResponse of(SavedApp saved) {
            return new AppResponse(saved.row().id(), saved.definition().name(),
                    saved.row().app().path("description").asText(null), saved.revision().version(), true,
                    saved.row().createdAt(), saved.row().updatedAt(),
                    new Definition(saved.definition().kind().wireName(), saved.definition().slug()));
        }
    }

    /** The platform's prompt or workflow the app is, for the management API ({@code /manage/v1/prompts/{slug}}). */
    @Schema(name = "PromptlyAppDefinition")
    public record Definition(String kind, String slug) {
    }
}
