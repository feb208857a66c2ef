package dev.promptjuggler.executor.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.promptjuggler.executor.client.ProviderException;
import dev.promptjuggler.executor.client.ProviderHttp;
import dev.promptjuggler.executor.client.anthropic.AnthropicClient;
import dev.promptjuggler.executor.client.gemini.GeminiClient;
import dev.promptjuggler.executor.client.openai.OpenAiClient;
import dev.promptjuggler.executor.config.ExecutorConfig;
import dev.promptjuggler.executor.config.ProvidersConfig;
import dev.promptjuggler.executor.metrics.ExecutorMetrics;
import dev.promptjuggler.executor.support.SimulatorProcess;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.context.Context;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The three provider clients, through {@link ChatModels} and the real wire formats over HTTP, against the provider
 * simulator started as a process; configured from this service's own application.properties (keys, prices).
 */
class ProviderClientsTest {

    private static final Map<String, String> MODELS = Map.of("openai", "gpt-5-mini", "anthropic", "claude-haiku-4-5",
            "gemini", "gemini-2.5-flash");
    /** Input and output US$ per million tokens, as the model catalogue (contracts) lists them. */
    private static final Map<String, double[]> LIST_PRICES = Map.of("openai", new double[] {0.25, 2.00},
            "anthropic", new double[] {1.00, 5.00}, "gemini", new double[] {0.30, 2.50});
    private static final Map<String, String> SERVICE_KEYS = Map.of("openai", "sk-simulator", "anthropic",
            "sk-ant-simulator", "gemini", "gemini-simulator");
    private static final Map<String, String> KEY_VARIABLES = Map.of("openai", "OPENAI_API_KEY", "anthropic",
            "ANTHROPIC_API_KEY", "gemini", "GEMINI_API_KEY");

    private static SimulatorProcess simulator;
    private static Vertx vertx;
    private static ProviderHttp http;
    private static ChatModels models;
    private static PriceTable prices;

    /** Whether these clients stream ({@code providers.<name>.stream}, the default) or read answers whole. */
    private static boolean streaming;

    @BeforeAll
    static void start() throws Exception {
        start(true);
    }

    static void start(boolean stream) throws Exception {
        streaming = stream;
        simulator = SimulatorProcess.start();
        var properties = new java.util.Properties();
        try (var in = ProviderClientsTest.class.getResourceAsStream("/application.properties")) {
            properties.load(in);
        }
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(toMap(properties), "application.properties", 100))
                .withSources(new PropertiesConfigSource(Map.of(
                        "providers.openai.base-url", simulator.baseUrl() + "/v1",
                        "providers.anthropic.base-url", simulator.baseUrl() + "/v1",
                        "providers.gemini.base-url", simulator.baseUrl() + "/v1beta",
                        "providers.retry.base-backoff", "50ms",
                        "providers.openai.stream", String.valueOf(stream),
                        "providers.anthropic.stream", String.valueOf(stream),
                        "providers.gemini.stream", String.valueOf(stream)), "test", 200))
                // Quarkus' own converter reads "30s"-style durations the way the service does.
                .withConverter(Duration.class, 200, new io.quarkus.runtime.configuration.DurationConverter())
                .withMapping(ProvidersConfig.class).withMapping(ExecutorConfig.class).build();
        ProvidersConfig providers = config.getConfigMapping(ProvidersConfig.class);
        vertx = Vertx.vertx();
        http = new ProviderHttp(vertx, config.getConfigMapping(ExecutorConfig.class));
        models = new ChatModels(List.of(new OpenAiClient(http, providers), new AnthropicClient(http, providers),
                new GeminiClient(http, providers)), providers,
                new ExecutorMetrics(new SimpleMeterRegistry()), TracerProvider.noop().get("test"));
        prices = new PriceTable(providers);
    }

    private static Map<String, String> toMap(java.util.Properties properties) {
        Map<String, String> map = new java.util.HashMap<>();
        properties.stringPropertyNames().forEach(name -> map.put(name, properties.getProperty(name)));
        return map;
    }

    @AfterAll
    static void stop() {
        if (vertx != null) {
            vertx.closeAndAwait();
        }
        if (simulator != null) {
            simulator.close();
        }
    }

    @BeforeEach
    void reset() throws Exception {
        simulator.reset();
    }

    private static ChatRequest request(String provider, String system, List<ChatMessage> messages, List<ToolSpec> tools,
            ResponseFormat format, Map<String, Object> params) {
        return new ChatRequest(MODELS.get(provider), system, messages, tools, null, format, params);
    }

    private static ChatResponse complete(String provider, ChatRequest request, Map<String, String> variables,
            List<Throwable> failedAttempts) {
        return models.complete(provider, request, variables, failedAttempts::add, Context.root()).await().atMost(Duration.ofSeconds(30));
    }

    @ParameterizedTest
    @ValueSource(strings = {"openai", "anthropic", "gemini"})
    void answersTextWithSystemInstructionAndModelParamsAndMapsUsageAndCost(String provider) {
        var request = request(provider, "Be brief", List.of(new ChatMessage.User("Hello there")), List.of(), null,
                Map.of("maxCompletionTokens", 64, "temperature", 0.5, "topP", 0.9, "reasoningEffort", "low"));

        ChatResponse response = complete(provider, request, Map.of(), new ArrayList<>());

        String model = MODELS.get(provider);
        assertEquals("[simulated " + model + "] Hello there", response.text());
        assertTrue(response.toolCalls().isEmpty());
        // The simulator's words: "Be brief" + "Hello there" in, "[simulated <model>] Hello there" out.
        assertEquals(new TokenUsage(4, 0, 4, 0, 8, 0), response.usage());
        double[] price = LIST_PRICES.get(provider);
        ModelCost cost = prices.cost(provider, model, response.usage(), 0);
        assertEquals(new ModelCost(4 * price[0] / 1e6, 0, 0, 4 * price[1] / 1e6, 0, 4 * price[0] / 1e6 + 4 * price[1] / 1e6),
                cost);
        assertNull(prices.cost(provider, "no-such-model", response.usage(), 0));
    }

    @ParameterizedTest
    @ValueSource(strings = {"openai", "anthropic", "gemini"})
    void answersJsonThatFollowsTheSchema(String provider) {
        var schema = Map.<String, Object>of("type", "object", "additionalProperties", false,
                "required", List.of("city", "population", "tags"),
                "properties", Map.of("city", Map.of("type", "string", "minLength", 2),
                        "population", Map.of("type", "integer", "minimum", 1),
                        "tags", Map.of("type", "array", "items", Map.of("type", "string"))));
        var request = request(provider, null, List.of(new ChatMessage.User("Biggest city?")), List.of(),
                new ResponseFormat("json_schema", "city", schema, true), Map.of());

        ChatResponse response = complete(provider, request, Map.of(), new ArrayList<>());

        assertEquals(new JsonObject().put("city", "xx").put("population", 1).put("tags", new io.vertx.core.json.JsonArray()),
                new JsonObject(response.text()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"openai", "anthropic", "gemini"})
    void callsToolsThenAnswersFromTheirResults(String provider) {
        var tools = List.of(new ToolSpec("lookup", "Looks a city up", Map.of("type", "object",
                "properties", Map.of("city", Map.of("type", "string")))), new ToolSpec("clock", null, Map.of("type", "object")));
        List<ChatMessage> conversation = new ArrayList<>(List.of(
                new ChatMessage.User("Weather? @tool lookup {\"city\": \"Paris\"} @tool clock {}")));

        ChatResponse first = complete(provider, request(provider, "Use tools", conversation, tools, null, Map.of()),
                Map.of(), new ArrayList<>());

        assertNull(first.text());
        assertEquals(List.of("lookup", "clock"), first.toolCalls().stream().map(ToolCall::name).toList());
        assertEquals(new JsonObject().put("city", "Paris"), new JsonObject(first.toolCalls().get(0).arguments()));
        assertEquals(new JsonObject(), new JsonObject(first.toolCalls().get(1).arguments()));
        conversation.add(new ChatMessage.Assistant(null, first.toolCalls()));
        conversation.add(new ChatMessage.ToolResult(first.toolCalls().get(0).id(), "lookup", "sunny", false));
        conversation.add(new ChatMessage.ToolResult(first.toolCalls().get(1).id(), "clock", "noon", false));

        ChatResponse second = complete(provider, request(provider, "Use tools", conversation, tools, null, Map.of()),
                Map.of(), new ArrayList<>());

        assertEquals("[simulated " + MODELS.get(provider) + "] lookup: sunny; clock: noon", second.text());
        assertTrue(second.toolCalls().isEmpty());
    }

    @ParameterizedTest
    @ValueSource(strings = {"openai", "anthropic", "gemini"})
    void nativeWebSearchGivesItsCitations(String provider) {
        var request = new ChatRequest(MODELS.get(provider), null, List.of(new ChatMessage.User("news today")), List.of(),
                new ChatRequest.WebSearch(List.of()), null, Map.of());

        ChatResponse response = complete(provider, request, Map.of(), new ArrayList<>());

        assertEquals(1, response.webSearches().size());
        assertEquals(List.of(new ChatResponse.Citation("Simulated result", "https://example.com/search?q=news+today")),
                response.webSearches().get(0).citations());
        // Chat Completions does not report the queries it ran; the other two do.
        assertEquals("openai".equals(provider) ? List.of() : List.of("news today"), response.webSearches().get(0).queries());
    }

    @ParameterizedTest
    @ValueSource(strings = {"openai", "anthropic", "gemini"})
    void retriesAfterTheProvidersRetryAfterAndReportsEveryFailedAttempt(String provider) throws Exception {
        simulator.scriptFailures("{\"contains\":\"flaky-" + provider + "\",\"responses\":"
                + "[{\"status\":503,\"retryAfter\":\"1\"},{\"status\":500}]}");
        List<Throwable> failed = new ArrayList<>();
        long started = System.nanoTime();

        ChatResponse response = complete(provider, request(provider, null,
                List.of(new ChatMessage.User("flaky-" + provider)), List.of(), null, Map.of()), Map.of(), failed);

        long elapsedMs = (System.nanoTime() - started) / 1_000_000;
        assertEquals("[simulated " + MODELS.get(provider) + "] flaky-" + provider, response.text());
        assertTrue(elapsedMs >= 1000, "waited " + elapsedMs + " ms, Retry-After was 1 s");
        assertEquals(List.of(503, 500), failed.stream().map(f -> ((ProviderException) f).status()).toList());
        assertEquals(Duration.ofSeconds(1), ((ProviderException) failed.get(0)).retryAfter());
        assertEquals(new JsonObject().put("served", 2).put("pending", 0), new JsonObject(simulator.failures()));
        assertEquals(1, new JsonObject(simulator.calls()).getInteger("total"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"openai", "anthropic", "gemini"})
    void failsAtOnceOnABadRequestWithTheProvidersMessage(String provider) throws Exception {
        simulator.scriptFailures("{\"contains\":\"refused-" + provider + "\",\"responses\":"
                + "[{\"status\":400,\"message\":\"the prompt is not acceptable\"},{\"status\":400}]}");
        List<Throwable> failed = new ArrayList<>();

        Throwable failure = models.complete(provider, request(provider, null,
                        List.of(new ChatMessage.User("refused-" + provider)), List.of(), null, Map.of()), Map.of(), failed::add, Context.root())
                .onItem().transform(Throwable.class::cast).onFailure().recoverWithItem(f -> f)
                .await().atMost(Duration.ofSeconds(30));

        ProviderException providerFailure = assertInstanceOf(ProviderException.class, failure);
        assertEquals(400, providerFailure.status());
        assertEquals(provider + " returned 400: the prompt is not acceptable", providerFailure.getMessage());
        assertEquals(List.of(failure), failed);
        assertEquals(new JsonObject().put("served", 1).put("pending", 1), new JsonObject(simulator.failures()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"openai", "anthropic", "gemini"})
    void theRunsOwnKeyWinsOverTheServiceKey(String provider) throws Exception {
        var request = request(provider, null, List.of(new ChatMessage.User("whose key")), List.of(), null, Map.of());

        complete(provider, request, Map.of(KEY_VARIABLES.get(provider), "run-own-key-" + provider), new ArrayList<>());
        complete(provider, request, Map.of(), new ArrayList<>());
        complete(provider, request, Map.of("OTHER_VARIABLE", "x"), new ArrayList<>());

        JsonObject byKey = new JsonObject(simulator.calls()).getJsonObject("byKey");
        assertEquals(new JsonObject().put(fingerprint("run-own-key-" + provider), 1)
                .put(fingerprint(SERVICE_KEYS.get(provider)), 2), byKey);
        assertEquals(3, new JsonObject(simulator.calls()).getJsonObject("byProvider").getInteger(provider));
    }

    private static String fingerprint(String key) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)))
                .substring(0, 12);
    }

    @ParameterizedTest
    @ValueSource(strings = {"openai", "anthropic", "gemini"})
    void tellsTheAnswersTextAsItArrives(String provider) {
        Deltas deltas = new Deltas();
        var request = request(provider, null, List.of(new ChatMessage.User("Tell me in many small pieces")), List.of(),
                null, Map.of());

        ChatResponse response = models.complete(provider, request, Map.of(), failure -> {
        }, deltas, Context.root()).await().atMost(Duration.ofSeconds(30));

        assertEquals(1, deltas.attempts);
        assertEquals(response.text(), String.join("", deltas.texts));
        // Streamed, a piece per word; read whole, the text at once.
        assertEquals(streaming ? 8 : 1, deltas.texts.size(), deltas.texts.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"openai", "anthropic", "gemini"})
    void aStreamThatBreaksOffIsRetriedAndTheListenerToldOfTheNewAttempt(String provider) throws Exception {
        simulator.scriptFailures("{\"contains\":\"cut-" + provider + "\",\"responses\":"
                + "[{\"status\":500,\"cutAfterChunks\":4}]}");
        Deltas deltas = new Deltas();
        List<Throwable> failed = new ArrayList<>();

        ChatResponse response = models.complete(provider, request(provider, null,
                        List.of(new ChatMessage.User("cut-" + provider + " in the middle of the answer")), List.of(), null,
                        Map.of()), Map.of(), failed::add, deltas, Context.root()).await().atMost(Duration.ofSeconds(30));

        assertEquals("[simulated " + MODELS.get(provider) + "] cut-" + provider + " in the middle of the answer",
                response.text());
        assertEquals(2, deltas.attempts);
        assertEquals(1, failed.size());
        // Streamed, the cut answer broke off (no answer: status 0); read whole, the rule's status came instead.
        assertEquals(streaming ? 0 : 500, ((ProviderException) failed.get(0)).status());
        assertTrue(String.join("", deltas.texts).endsWith(response.text()));
    }

    /** What a {@link TextListener} was told. */
    private static final class Deltas implements TextListener {
        final List<String> texts = new ArrayList<>();
        int attempts;

        @Override
        public synchronized void attempt() {
            attempts++;
        }

        @Override
        public synchronized void text(String delta) {
            texts.add(delta);
        }
    }

    @org.junit.jupiter.api.Test
    void anUnknownProviderFailsWithoutACall() {
        AtomicInteger attempts = new AtomicInteger();
        Throwable failure = models.complete("mistral", request("openai", null, List.of(new ChatMessage.User("x")),
                        List.of(), null, Map.of()), Map.of(), f -> attempts.incrementAndGet(), Context.root())
                .onItem().transform(Throwable.class::cast).onFailure().recoverWithItem(f -> f).await().indefinitely();

        assertEquals("provider mistral is not supported", failure.getMessage());
        assertEquals(0, attempts.get());
    }
}
