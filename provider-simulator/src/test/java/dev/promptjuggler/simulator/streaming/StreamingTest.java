package dev.promptjuggler.simulator.streaming;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Each format's streamed answer, read as its SDK reads it (server-sent events), put back together equals the answer
 * the same request gets without streaming; scripted failures come before the stream, or cut it.
 */
@QuarkusTest
class StreamingTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource("/")
    URI base;

    /** One event as an SSE reader dispatches it. */
    record Event(String name, String data) {
    }

    @AfterEach
    void clear() {
        given().when().delete("/__simulator/failures").then().statusCode(204);
    }

    /** Parses the body as the EventSource rules say (LF or CRLF line ends, blank line dispatches). */
    static List<Event> events(String body) {
        List<Event> events = new ArrayList<>();
        String name = null;
        StringBuilder data = null;
        for (String line : body.split("\\r\\n|\\n", -1)) {
            if (line.isEmpty()) {
                if (data != null) {
                    events.add(new Event(name, data.toString()));
                }
                name = null;
                data = null;
            } else if (line.startsWith("event:")) {
                name = line.substring(6).trim();
            } else if (line.startsWith("data:")) {
                data = (data == null ? new StringBuilder() : data.append('\n')).append(line.substring(5).trim());
            }
        }
        return events;
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    private static RequestSpecification openai() {
        return given().header("Authorization", "Bearer sk-test").contentType(ContentType.JSON);
    }

    @Test
    void openAiStreamsChunksThatMakeUpTheCompletion() {
        String request = """
                {"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hello there, streaming simulator"}]%s}""";
        JsonNode whole = json(openai().body(request.formatted("")).post("/v1/chat/completions").asString());
        var response = openai().body(request.formatted(",\"stream\":true,\"stream_options\":{\"include_usage\":true}"))
                .post("/v1/chat/completions");
        response.then().statusCode(200).contentType(startsWith("text/event-stream"));
        List<Event> events = events(response.asString());

        assertEquals("[DONE]", events.get(events.size() - 1).data());
        StringBuilder content = new StringBuilder();
        JsonNode usage = null;
        String finish = null;
        for (Event event : events.subList(0, events.size() - 1)) {
            JsonNode chunk = json(event.data());
            assertEquals("chat.completion.chunk", chunk.path("object").asText());
            assertTrue(chunk.path("id").asText().startsWith("chatcmpl-"));
            for (JsonNode choice : chunk.path("choices")) {
                content.append(choice.path("delta").path("content").asText(""));
                if (!choice.path("finish_reason").isNull()) {
                    finish = choice.path("finish_reason").asText();
                }
            }
            if (!chunk.path("usage").isNull()) {
                usage = chunk.path("usage");
            }
        }
        assertTrue(events.size() > 4, "the text comes in several chunks: " + events.size());
        assertEquals(whole.at("/choices/0/message/content").asText(), content.toString());
        assertEquals("stop", finish);
        assertEquals(whole.path("usage"), usage);
    }

    @Test
    void eachStreamedPieceCarriesTheTimeItWasSentWhereTheTextSaysSentAt() {
        long before = System.currentTimeMillis() * 1000;
        var response = openai().header("X-Simulator-Chunk-Delay-Ms", "20").body("""
                {"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"%sent-at% %sent-at% %sent-at%"}]}""")
                .post("/v1/chat/completions");
        long after = System.currentTimeMillis() * 1000 + 1000;
        response.then().statusCode(200);

        List<Long> stamps = new ArrayList<>();
        for (Event event : events(response.asString())) {
            if (!"[DONE]".equals(event.data())) {
                for (JsonNode choice : json(event.data()).path("choices")) {
                    String piece = choice.path("delta").path("content").asText("").trim();
                    if (piece.matches("\\d+")) {
                        stamps.add(Long.parseLong(piece));
                    }
                }
            }
        }
        assertEquals(3, stamps.size(), response.asString());
        for (int i = 0; i < stamps.size(); i++) {
            assertTrue(stamps.get(i) >= before && stamps.get(i) <= after, "sent while the request was answered: " + stamps);
            if (i > 0) {
                // The chunk delay passes between two events: each piece is stamped as it is sent, not all at once.
                assertTrue(stamps.get(i) - stamps.get(i - 1) >= 20_000, "stamped when sent: " + stamps);
            }
        }
    }

    @Test
    void openAiStreamsToolCallArgumentsInPieces() {
        var response = openai().body("""
                {"model":"gpt-4o-mini","stream":true,"tools":[{"type":"function","function":{"name":"lookup"}}],
                 "messages":[{"role":"user","content":"@tool lookup {\\"id\\": 7, \\"name\\": \\"seven\\"}"}]}""")
                .post("/v1/chat/completions");
        response.then().statusCode(200);
        StringBuilder arguments = new StringBuilder();
        String name = null;
        int pieces = 0;
        for (Event event : events(response.asString())) {
            if (event.data().equals("[DONE]")) {
                continue;
            }
            JsonNode chunk = json(event.data());
            assertFalse(chunk.has("usage"), "no usage without stream_options.include_usage");
            for (JsonNode call : chunk.at("/choices/0/delta/tool_calls")) {
                if (call.at("/function/name").isTextual()) {
                    name = call.at("/function/name").asText();
                }
                arguments.append(call.at("/function/arguments").asText(""));
                pieces++;
            }
        }
        assertEquals("lookup", name);
        assertEquals(json("{\"id\":7,\"name\":\"seven\"}"), json(arguments.toString()));
        assertTrue(pieces > 2, "arguments come in pieces: " + pieces);
    }

    @Test
    void anthropicStreamsTheMessagesEventTypes() {
        String request = """
                {"model":"claude-haiku-4-5","max_tokens":100,%s
                 "messages":[{"role":"user","content":"Hello there, streaming simulator"}]}""";
        var whole = json(given().header("x-api-key", "k").header("anthropic-version", "2023-06-01")
                .contentType(ContentType.JSON).body(request.formatted("")).post("/v1/messages").asString());
        var response = given().header("x-api-key", "k").header("anthropic-version", "2023-06-01")
                .contentType(ContentType.JSON).body(request.formatted("\"stream\":true,")).post("/v1/messages");
        response.then().statusCode(200).contentType(startsWith("text/event-stream"));
        List<Event> events = events(response.asString());

        List<String> names = events.stream().map(Event::name).toList();
        assertEquals(List.of("message_start", "ping", "content_block_start"), names.subList(0, 3));
        assertEquals(List.of("content_block_stop", "message_delta", "message_stop"),
                names.subList(names.size() - 3, names.size()));
        StringBuilder text = new StringBuilder();
        for (Event event : events) {
            JsonNode data = json(event.data());
            assertEquals(event.name(), data.path("type").asText());
            if (event.name().equals("content_block_delta")) {
                text.append(data.at("/delta/text").asText());
            }
        }
        assertEquals(whole.at("/content/0/text").asText(), text.toString());
        assertEquals(whole.at("/usage/input_tokens"), json(events.get(0).data()).at("/message/usage/input_tokens"));
        JsonNode delta = json(events.get(events.size() - 2).data());
        assertEquals("end_turn", delta.at("/delta/stop_reason").asText());
        assertEquals(whole.at("/usage/output_tokens"), delta.at("/usage/output_tokens"));
    }

    @Test
    void anthropicStreamsToolInputAsJsonDeltas() {
        var response = given().header("x-api-key", "k").header("anthropic-version", "2023-06-01")
                .contentType(ContentType.JSON).body("""
                        {"model":"claude-haiku-4-5","max_tokens":100,"stream":true,"tools":[{"name":"lookup","input_schema":{}}],
                         "messages":[{"role":"user","content":"@tool lookup {\\"id\\": 7}"}]}""").post("/v1/messages");
        StringBuilder input = new StringBuilder();
        for (Event event : events(response.asString())) {
            JsonNode data = json(event.data());
            if (event.name().equals("content_block_start")) {
                assertEquals("tool_use", data.at("/content_block/type").asText());
                assertEquals("lookup", data.at("/content_block/name").asText());
            }
            if (event.name().equals("content_block_delta")) {
                assertEquals("input_json_delta", data.at("/delta/type").asText());
                input.append(data.at("/delta/partial_json").asText());
            }
        }
        assertEquals(json("{\"id\":7}"), json(input.toString()));
    }

    @Test
    void geminiStreamsGenerateContentResponsesOverSse() {
        String request = """
                {"contents":[{"role":"user","parts":[{"text":"Hello there, streaming simulator"}]}]}""";
        JsonNode whole = json(given().header("x-goog-api-key", "k").contentType(ContentType.JSON).body(request)
                .post("/v1beta/models/gemini-2.5-flash:generateContent").asString());
        var response = given().header("x-goog-api-key", "k").contentType(ContentType.JSON).body(request)
                .post("/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse");
        response.then().statusCode(200).contentType(startsWith("text/event-stream"));
        String body = response.asString();
        assertTrue(body.contains("}\r\n\r\n"), "Gemini's events end with CRLF");
        List<Event> events = events(body);
        StringBuilder text = new StringBuilder();
        for (Event event : events) {
            text.append(json(event.data()).at("/candidates/0/content/parts/0/text").asText(""));
        }
        JsonNode last = json(events.get(events.size() - 1).data());
        assertTrue(events.size() > 2, "the text comes in several events: " + events.size());
        assertEquals(whole.at("/candidates/0/content/parts/0/text").asText(), text.toString());
        assertEquals("STOP", last.at("/candidates/0/finishReason").asText());
        assertEquals(whole.path("usageMetadata"), last.path("usageMetadata"));
        assertTrue(json(events.get(0).data()).at("/candidates/0/finishReason").isMissingNode());
    }

    @Test
    void aScriptedErrorComesBeforeTheStream() {
        given().contentType(ContentType.JSON).body("""
                {"contains":"unlucky","responses":[{"status":500}]}""").post("/__simulator/failures").then().statusCode(204);
        openai().body("""
                {"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"unlucky"}]}""")
                .post("/v1/chat/completions").then().statusCode(500).contentType(ContentType.JSON)
                .body("error.type", org.hamcrest.Matchers.equalTo("server_error"));
    }

    @Test
    void aScriptedCutBreaksTheStreamOff() throws Exception {
        given().contentType(ContentType.JSON).body("""
                {"contains":"cut me","responses":[{"status":500,"cutAfterChunks":2}]}""")
                .post("/__simulator/failures").then().statusCode(204);
        HttpRequest request = HttpRequest.newBuilder(base.resolve("/v1/chat/completions"))
                .header("Authorization", "Bearer k").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"cut me off early please"}]}"""))
                .build();
        String received;
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode());
            received = response.body();
        } catch (IOException broken) {
            received = "";
        }
        List<Event> events = events(received);
        assertTrue(events.size() <= 2, "at most the chunks before the cut: " + events);
        assertFalse(received.contains("[DONE]"));
        // The next request of the same text is answered whole: the rule had one response.
        String whole = openai().body("""
                {"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"cut me off early please"}]}""")
                .post("/v1/chat/completions").asString();
        assertTrue(whole.contains("[DONE]"));
    }
}
