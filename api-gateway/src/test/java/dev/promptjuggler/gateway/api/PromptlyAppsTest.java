package dev.promptjuggler.gateway.api;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.config.EncoderConfig;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Promptly API's apps, driven as a Promptly client does (YAML bodies, {@code Authorization: Token <key>}): apps
 * made from YAML onto prompts and workflows, 422s naming the YAML path with nothing stored, and synchronous runs. No
 * run-executor runs here: the test plays its part, storing the run's outcome in {@code executor.run_states} and
 * publishing the run's frames to {@code runs.stream} on the real broker.
 */
@QuarkusTest
class PromptlyAppsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String YAML = "application/yaml";

    static final String TRANSLATOR = """
            name: %s
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

    static final String CHAIN = """
            name: %s
            input_fields:
              - { name: text, type: text }
            output_template:
              markdown: "Title: {{_inputs2.choices[0].content}}"
            processors:
              - id: _inputs1
                provider_slug: openai
                processor_slug: chatgpt
                input: { messages: [ { role: user, content: "Summarise: {{_inputs0.text}}" } ] }
              - id: _inputs2
                provider_slug: openai
                processor_slug: chatgpt
                input: { messages: [ { role: user, content: "Title for: {{_inputs1.choices[0].content}}" } ] }
            """;

    @Inject
    Pool pool;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @ConfigProperty(name = "gateway.promptly.run-timeout")
    Duration runTimeout;

    @TestHTTPResource("/")
    URL base;

    private StreamFrames frames;
    private UUID tenant;
    private String key;

    @BeforeEach
    void tenant() {
        frames = new StreamFrames(bootstrapServers);
        var created = given().header("X-Bootstrap-Token", Api.BOOTSTRAP_TOKEN).contentType(ContentType.JSON)
                .body(Map.of("tenantName", "promptly " + UUID.randomUUID()))
                .post("/manage/v1/bootstrap").then().statusCode(201).extract().jsonPath();
        tenant = UUID.fromString(created.getString("tenantId"));
        key = created.getString("apiKey.key");
    }

    @AfterEach
    void close() {
        frames.close();
    }

    @Test
    void aSingleLlmAppBecomesAPublishedPrompt() {
        String name = "Translator " + UUID.randomUUID();
        var app = promptly(key).contentType(YAML).body(TRANSLATOR.formatted(name)).post("/api/apps")
                .then().statusCode(201)
                .body("name", equalTo(name)).body("description", equalTo("Translates a text"))
                .body("version", equalTo(1)).body("is_published", equalTo(true))
                .body("definition.kind", equalTo("prompt")).body("definition.slug", startsWith("pr_translator_"))
                .extract().jsonPath();
        String slug = app.getString("definition.slug");
        Api.as(key).get("/manage/v1/prompts/{slug}", slug).then().statusCode(200)
                .body("id", equalTo(app.getString("uuid")))
                .body("draft.provider", equalTo("openai")).body("draft.model", equalTo("gpt-4o-mini"))
                .body("draft.systemInstruction", equalTo("You are a translator."))
                .body("draft.messages[0].content", equalTo("Translate to {{language}}: {{text}}"))
                .body("draft.modelParams.maxCompletionTokens", equalTo(1024))
                .body("draft.memory", equalTo("read_write"));
        Api.as(key).get("/manage/v1/prompts/{slug}/versions", slug).then().body("version", contains(1));
    }

    @Test
    void aChainBecomesAWorkflowOfPromptNodes() {
        var app = promptly(key).contentType(YAML).body(CHAIN.formatted("Chain " + UUID.randomUUID())).post("/api/apps")
                .then().statusCode(201).body("definition.kind", equalTo("workflow")).extract().jsonPath();
        Api.as(key).get("/manage/v1/workflows/{slug}", app.getString("definition.slug")).then().statusCode(200)
                .body("latestVersion", equalTo(1))
                .body("draft.nodes.type", contains("input", "prompt", "prompt", "output", "string"))
                .body("draft.nodes[4].settings.template", equalTo("Title: {{_inputs2}}"));
    }

    @Test
    void aDefinitionThatDoesNotMapIsA422NamingItsPathAndStoresNothing() {
        Map<String, Long> before = GatewayRows.count(pool);
        String valid = TRANSLATOR.formatted("Refused " + UUID.randomUUID());
        promptly(key).contentType(YAML).body(valid.replace("processor_slug: chatgpt", "processor_slug: dall_e"))
                .post("/api/apps").then().statusCode(422)
                .body("error", equalTo("processors[0].processor_slug openai/dall_e is not supported"
                        + " (openai/chatgpt or openai/chat_completions)"));
        promptly(key).contentType(YAML).body(valid.replace("{{_inputs0.text}}", "{{ _inputs0.text | upper }}"))
                .post("/api/apps").then().statusCode(422)
                .body("error", startsWith("processors[0].input.messages[0].content: {{_inputs0.text | upper}} is not"
                        + " supported"));
        promptly(key).contentType(YAML).body(valid.replace("type: string", "type: file"))
                .post("/api/apps").then().statusCode(422)
                .body("error", startsWith("input_fields[1].type file is not supported"));
        promptly(key).contentType(YAML).body(valid + "  - id: _inputs2\n    provider_slug: openai\n"
                        + "    processor_slug: chatgpt\n    input: { messages: [ { role: user, content: hi } ] }\n"
                        + "    config: { model: gpt-1 }\n")
                .post("/api/apps").then().statusCode(422)
                .body("error", startsWith("processors[1].config.model gpt-1 is not in the model catalogue"));
        promptly(key).contentType(YAML).body("name: [unclosed").post("/api/apps").then().statusCode(400)
                .body("error", startsWith("malformed YAML: "));
        promptly(key).contentType(YAML).body("name: a\nname: b\n").post("/api/apps").then().statusCode(400)
                .body("error", containsString("name"));
        promptly(key).contentType(ContentType.TEXT).body(valid).post("/api/apps").then().statusCode(415);
        promptly(key).contentType(YAML).body(valid + "comment: " + "x".repeat(262_144)).post("/api/apps")
                .then().statusCode(413).body("error", equalTo("the app definition exceeds the limit of 262144 bytes"));
        assertEquals(before, GatewayRows.count(pool));
    }

    @Test
    void patchPublishesANewVersionKeepingWhatItDoesNotName() {
        var app = createApp(TRANSLATOR.formatted("Patched " + UUID.randomUUID()));
        promptly(key).contentType(YAML)
                .body("processors:\n  - id: _inputs1\n    provider_slug: openai\n    processor_slug: chatgpt\n"
                        + "    input: { messages: [ { role: user, content: \"Into {{_inputs0.language}}: {{_inputs0.text}}\" } ] }\n")
                .patch("/api/apps/{uuid}", app.uuid())
                .then().statusCode(200).body("version", equalTo(2)).body("uuid", equalTo(app.uuid().toString()))
                .body("description", equalTo("Translates a text"));
        Api.as(key).get("/manage/v1/prompts/{slug}/versions", app.slug()).then().body("version", contains(2, 1));
        Api.as(key).get("/manage/v1/prompts/{slug}", app.slug()).then()
                .body("draft.messages[0].content", equalTo("Into {{language}}: {{text}}"))
                .body("draft.memory", equalTo("stateless"));

        Map<String, Long> before = GatewayRows.count(pool);
        promptly(key).contentType(YAML).body("output_template: { markdown: \"Say {{_inputs1.choices[0].content}}\" }")
                .patch("/api/apps/{uuid}", app.uuid()).then().statusCode(422).body("error", startsWith("processors: app "));
        promptly(key).contentType(YAML).body("description: x").patch("/api/apps/{uuid}", UUID.randomUUID())
                .then().statusCode(404).body("error", startsWith("app "));
        promptly(key).contentType(YAML).body("description: x").patch("/api/apps/not-a-uuid")
                .then().statusCode(404).body("error", equalTo("app not found: app_uuid must be a UUID"));
        assertEquals(before, GatewayRows.count(pool));
        Api.as(key).get("/manage/v1/prompts/{slug}/versions", app.slug()).then().body("version", contains(2, 1));
    }

    @Test
    void theRunAnswersOnceTheRunEndsAndTheSessionContinuesItsThread() throws Exception {
        var app = createApp(TRANSLATOR.formatted("Runner " + UUID.randomUUID()));
        CompletableFuture<Response> first = runAsync(app.uuid(), null, Map.of("text", "Hello", "language", "Spanish"), false);
        RunRef run = awaitRun(1);
        finish(run, "default", "Hola");
        first.get(30, TimeUnit.SECONDS).then().statusCode(200).contentType(ContentType.JSON)
                .body("id", equalTo(run.id().toString()))
                .body("session.id", equalTo(run.thread().toString()))
                .body("output.output", equalTo("Hola"));

        CompletableFuture<Response> second = runAsync(app.uuid(), run.thread(), Map.of("text", 42, "language", "Spanish"),
                false);
        RunRef next = awaitRun(2);
        assertEquals(run.thread(), next.thread(), "the session's thread");
        assertEquals("{\"text\": \"42\", \"language\": \"Spanish\"}", inputs(next.id()), "numbers arrive as their text");
        finish(next, "default", "Cuarenta y dos");
        second.get(30, TimeUnit.SECONDS).then().statusCode(200)
                .body("session.id", equalTo(run.thread().toString())).body("output.output", equalTo("Cuarenta y dos"));
    }

    @Test
    void aFailedRunAnswersItsErrors() throws Exception {
        var app = createApp(TRANSLATOR.formatted("Failing " + UUID.randomUUID()));
        CompletableFuture<Response> call = runAsync(app.uuid(), null, Map.of("text", "Hi", "language", "French"), false);
        RunRef run = awaitRun(1);
        sql("INSERT INTO executor.run_states (run_id, status, attempts, finished_at, error)"
                + " VALUES ($1, 'failed', 1, now(), 'provider openai answered 500')", Tuple.of(run.id()));
        frames.publish(new dev.promptjuggler.contracts.StreamFrame(tenant, run.thread(), run.id(), "failure", "default",
                0, 1, null, null, null, null, null, "run_failed", "provider openai answered 500"));
        call.get(30, TimeUnit.SECONDS).then().statusCode(200)
                .body("id", equalTo(run.id().toString()))
                .body("errors[0].code", equalTo("run_failed"))
                .body("errors[0].message", equalTo("provider openai answered 500"));
    }

    @Test
    void aRunThatDoesNotEndInTimeIsA504NamingTheRun() throws Exception {
        var app = createApp(TRANSLATOR.formatted("Slow " + UUID.randomUUID()));
        Response answer = runAsync(app.uuid(), null, Map.of("text", "Hi", "language", "French"), false)
                .get(runTimeout.toSeconds() + 30, TimeUnit.SECONDS);
        RunRef run = awaitRun(1);
        answer.then().statusCode(504)
                .body("error", startsWith("run " + run.id() + " of app " + app.uuid() + " did not finish within "))
                .body("error", containsString("GET /api/v1/promptruns/" + run.id()));
    }

    @Test
    void aRunWhoseEndFrameWasLostIsAnsweredFromItsRowAtTheDeadline() throws Exception {
        var app = createApp(TRANSLATOR.formatted("Lost frame " + UUID.randomUUID()));
        CompletableFuture<Response> call = runAsync(app.uuid(), null, Map.of("text", "Hi", "language", "French"), false);
        RunRef run = awaitRun(1);
        sql("INSERT INTO executor.run_states (run_id, status, attempts, finished_at, output)"
                + " VALUES ($1, 'completed', 1, now(), 'Salut')", Tuple.of(run.id()));
        call.get(runTimeout.toSeconds() + 30, TimeUnit.SECONDS).then().statusCode(200)
                .body("output.output", equalTo("Salut"));
    }

    @Test
    void badRunRequestsAreRefusedAndStartNothing() {
        var app = createApp(TRANSLATOR.formatted("Strict " + UUID.randomUUID()));
        Map<String, Long> before = GatewayRows.count(pool);
        promptly(key).contentType(ContentType.JSON).body(Map.of("input", Map.of("text", "Hi")))
                .post("/api/apps/{uuid}/run", app.uuid()).then().statusCode(422)
                .body("error", equalTo("input.language is required (the app's templates use language, text)"));
        promptly(key).contentType(ContentType.JSON).body(Map.of("input", Map.of("text", List.of(1), "language", "x")))
                .post("/api/apps/{uuid}/run", app.uuid()).then().statusCode(422)
                .body("error", equalTo("input.text must be a string, a number or true/false"));
        promptly(key).contentType(ContentType.JSON).body(Map.of("input", Map.of(), "stream", "yes"))
                .post("/api/apps/{uuid}/run", app.uuid()).then().statusCode(422).body("error", containsString("stream"));
        promptly(key).contentType(ContentType.JSON).body(Map.of("input", Map.of("text", "a", "language", "b")))
                .post("/api/apps/{uuid}/run", UUID.randomUUID()).then().statusCode(404).body("error", startsWith("app "));
        promptly(key).contentType(ContentType.JSON).body(Map.of("input", Map.of("text", "a", "language", "b")))
                .post("/api/apps/{uuid}/run/{session}", app.uuid(), "session-1").then().statusCode(404)
                .body("error", equalTo("session not found: session_id must be a UUID"));
        given().header("Authorization", "Bearer " + key).contentType(ContentType.JSON)
                .body(Map.of("input", Map.of("text", "a", "language", "b")))
                .post("/api/apps/{uuid}/run", app.uuid()).then().statusCode(401)
                .body("error", equalTo("missing API key: send Authorization: Token <key>"));
        assertEquals(before, GatewayRows.count(pool));
    }

    @Test
    void aStreamedAnswerArrivesInChunksThatStitchToTheOutput() throws Exception {
        var app = createApp(CHAIN.formatted("Streamed " + UUID.randomUUID()));
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "api/apps/" + app.uuid() + "/run"))
                .header("Authorization", "Token " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"input\": {\"text\": \"a long story\"}, \"stream\": true}"))
                .build();
        CompletableFuture<HttpResponse<Stream<String>>> response = HttpClient.newHttpClient()
                .sendAsync(request, HttpResponse.BodyHandlers.ofLines());
        RunRef run = awaitRun(1);
        HttpResponse<Stream<String>> streamed = response.get(30, TimeUnit.SECONDS);
        assertEquals(200, streamed.statusCode());
        assertEquals("application/x-ndjson", streamed.headers().firstValue("Content-Type").orElseThrow());
        CompletableFuture.runAsync(() -> streamed.body().forEach(lines::add));
        JsonNode head = JSON.readTree(lines.poll(30, TimeUnit.SECONDS));
        assertEquals(run.id().toString(), head.path("id").asText());
        assertEquals(run.thread().toString(), head.path("session").path("id").asText());

        // The first step's tokens are not the output; the second step's are, after the template's "Title: ".
        frames.publish(StreamFrames.reset(tenant, run.thread(), run.id(), "_inputs1"));
        frames.publish(StreamFrames.token(tenant, run.thread(), run.id(), "_inputs1", 1, "A summary"));
        frames.publish(StreamFrames.reset(tenant, run.thread(), run.id(), "_inputs2"));
        frames.publish(StreamFrames.token(tenant, run.thread(), run.id(), "_inputs2", 1, "The "));
        assertEquals("{\"output\":\"Title: The \"}", lines.poll(30, TimeUnit.SECONDS), "a chunk before the run ends");
        frames.publish(StreamFrames.token(tenant, run.thread(), run.id(), "_inputs2", 2, "story"));
        sql("INSERT INTO executor.run_states (run_id, status, attempts, finished_at, outputs)"
                + " VALUES ($1, 'completed', 1, now(), '{\"output\": \"Title: The story\"}')", Tuple.of(run.id()));
        frames.publish(StreamFrames.done(tenant, run.thread(), run.id(), "_inputs2", 3));

        List<String> chunks = new ArrayList<>();
        StringBuilder stitched = new StringBuilder("Title: The ");
        String line;
        while ((line = lines.poll(30, TimeUnit.SECONDS)) != null && !line.isEmpty()) {
            chunks.add(line);
            stitched.append(JSON.readTree(line).path("output").asText());
            if (stitched.toString().equals("Title: The story")) {
                break;
            }
        }
        assertEquals(List.of("{\"output\":\"story\"}"), chunks);
        assertEquals("Title: The story", stitched.toString());
    }

    private CompletableFuture<Response> runAsync(UUID app, UUID session, Map<String, Object> input, boolean stream) {
        // Promptly's clients ask for JSON, whatever the answer will be.
        return CompletableFuture.supplyAsync(() -> promptly(key).contentType(ContentType.JSON).accept(ContentType.JSON)
                .body(Map.of("input", input, "stream", stream))
                .post(session == null ? "/api/apps/" + app + "/run" : "/api/apps/" + app + "/run/" + session));
    }

    /** The tenant's runs once there are {@code count}, the newest returned. */
    private RunRef awaitRun(int count) {
        List<RunRef> runs = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            runs.clear();
            for (Row row : pool.preparedQuery("SELECT id, thread_id FROM gateway.runs WHERE tenant_id = $1"
                    + " ORDER BY created_at DESC").execute(Tuple.of(tenant)).await().indefinitely()) {
                runs.add(new RunRef(row.getUUID("id"), row.getUUID("thread_id")));
            }
            return runs.size() == count;
        });
        return runs.get(0);
    }

    /** Plays run-executor: the outcome first, then the frames a streamed answer ends with. */
    private void finish(RunRef run, String channel, String output) throws Exception {
        sql("INSERT INTO executor.run_states (run_id, status, attempts, finished_at, output)"
                + " VALUES ($1, 'completed', 1, now(), $2)", Tuple.of(run.id(), output));
        frames.publish(StreamFrames.reset(tenant, run.thread(), run.id(), channel));
        frames.publish(StreamFrames.token(tenant, run.thread(), run.id(), channel, 1, output));
        frames.publish(StreamFrames.done(tenant, run.thread(), run.id(), channel, 2));
    }

    private String inputs(UUID run) {
        return pool.preparedQuery("SELECT inputs::text FROM gateway.runs WHERE id = $1").execute(Tuple.of(run))
                .await().indefinitely().iterator().next().getString(0);
    }

    private App createApp(String yaml) {
        var app = promptly(key).contentType(YAML).body(yaml).post("/api/apps").then().statusCode(201).extract().jsonPath();
        assertTrue(app.getString("definition.slug").startsWith("pr_") || app.getString("definition.slug").startsWith("wf_"));
        return new App(UUID.fromString(app.getString("uuid")), app.getString("definition.slug"));
    }

    private void sql(String statement, Tuple arguments) {
        pool.preparedQuery(statement).execute(arguments).await().indefinitely();
    }

    /** As a Promptly client calls: Token authentication; YAML bodies sent as text, in UTF-8. */
    static RequestSpecification promptly(String key) {
        return given().config(RestAssured.config().encoderConfig(EncoderConfig.encoderConfig()
                        .defaultContentCharset("UTF-8").encodeContentTypeAs(YAML, ContentType.TEXT)))
                .header("Authorization", "Token " + key);
    }

    private record App(UUID uuid, String slug) {
    }

    private record RunRef(UUID id, UUID thread) {
    }
}
