package dev.promptjuggler.executor.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.promptjuggler.executor.config.ExecutorConfig;
import dev.promptjuggler.executor.support.SimulatorProcess;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.core.Vertx;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link ProviderHttp}'s streamed calls over real HTTP: many at once against the provider simulator streaming with
 * a delay between its events each read to its end, and an answer that is not an event stream refused at once.
 */
class StreamedCallsTest {

    private static final int CONCURRENT = 300;

    private static SimulatorProcess simulator;
    private static Vertx vertx;
    private static ProviderHttp http;

    @BeforeAll
    static void start() throws Exception {
        simulator = SimulatorProcess.start();
        var properties = new java.util.Properties();
        try (var in = StreamedCallsTest.class.getResourceAsStream("/application.properties")) {
            properties.load(in);
        }
        Map<String, String> service = new java.util.HashMap<>();
        properties.stringPropertyNames().forEach(name -> service.put(name, properties.getProperty(name)));
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(service, "application.properties", 100))
                .withSources(new PropertiesConfigSource(Map.of("executor.max-in-flight", "8"), "test", 200))
                .withConverter(Duration.class, 200, new io.quarkus.runtime.configuration.DurationConverter())
                .withMapping(ExecutorConfig.class).build();
        vertx = Vertx.vertx();
        http = new ProviderHttp(vertx, config.getConfigMapping(ExecutorConfig.class));
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

    @Test
    void manyConcurrentStreamsWithDelaysBetweenEventsAreEachReadWhole() {
        String words = IntStream.range(0, 20).mapToObj(i -> "word" + i).collect(Collectors.joining(" "));
        // More streams than the connections the pools may open to one host (8 per pool, 16 pools): some wait for one.
        List<Uni<String>> calls = new ArrayList<>();
        for (int i = 0; i < CONCURRENT; i++) {
            String text = "call " + i + " " + words;
            JsonObject body = new JsonObject().put("model", "gpt-5-mini").put("stream", true)
                    .put("stream_options", new JsonObject().put("include_usage", true))
                    .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", text)));
            StringBuilder content = new StringBuilder();
            List<String> ends = new ArrayList<>();
            calls.add(http.stream("openai", simulator.baseUrl() + "/v1/chat/completions",
                            Map.of("Authorization", "Bearer sk-simulator", "X-Simulator-Latency-Ms", "100",
                                    "X-Simulator-Chunk-Delay-Ms", "20"),
                            body, Duration.ofSeconds(120), event -> {
                                if ("[DONE]".equals(event.data())) {
                                    ends.add(event.data());
                                    return;
                                }
                                for (Object choice : new JsonObject(event.data()).getJsonArray("choices")) {
                                    content.append(((JsonObject) choice).getJsonObject("delta").getString("content", ""));
                                }
                            })
                    .map(ended -> {
                        assertEquals(List.of("[DONE]"), ends, "the stream of '" + text + "' ended with [DONE]");
                        return content.toString();
                    }));
        }

        List<String> answers = Uni.join().all(calls).andFailFast().await().atMost(Duration.ofMinutes(5));

        for (int i = 0; i < CONCURRENT; i++) {
            assertEquals("[simulated gpt-5-mini] call " + i + " " + words, answers.get(i));
        }
    }

    @Test
    void anAnswerThatIsNotAnEventStreamFailsAtOnceNamingTheSetting() throws Exception {
        HttpServer whole = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        whole.createContext("/v1/chat/completions", exchange -> {
            exchange.getRequestBody().readAllBytes();
            byte[] answer = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"choices\":[]}"
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        whole.start();
        try {
            String url = "http://127.0.0.1:" + whole.getAddress().getPort() + "/v1/chat/completions";
            Throwable failure = http.stream("openai", url, Map.of(), new JsonObject().put("stream", true),
                            Duration.ofSeconds(30), event -> {
                            })
                    .onItem().transform(ended -> (Throwable) null)
                    .onFailure().recoverWithItem(thrown -> thrown)
                    .await().atMost(Duration.ofSeconds(30));

            ProviderException refused = assertInstanceOf(ProviderException.class, failure);
            assertFalse(refused.retryable(), "another attempt would get the same answer");
            assertTrue(refused.getMessage().contains("application/json instead of text/event-stream")
                    && refused.getMessage().contains("providers.openai.stream=false"), refused.getMessage());
        } finally {
            whole.stop(0);
        }
    }
}
