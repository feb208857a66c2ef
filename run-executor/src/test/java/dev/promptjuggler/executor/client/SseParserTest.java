package dev.promptjuggler.executor.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Server-sent events read as the bytes arrive, however the network cuts them. */
class SseParserTest {

    private final List<SseParser.Event> events = new ArrayList<>();
    private final SseParser parser = new SseParser(events::add);

    private void feed(byte[]... chunks) {
        Arrays.stream(chunks).forEach(chunk -> parser.feed(Buffer.buffer(chunk)));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void namedAndUnnamedEventsWithAnyLineEnd() {
        feed(bytes("event: message_start\ndata: {\"a\":1}\n\n"), bytes("data:{\"b\":2}\r\n\r\n"),
                bytes("data: [DONE]\r\r"));

        assertEquals(List.of(new SseParser.Event("message_start", "{\"a\":1}"), new SseParser.Event("message", "{\"b\":2}"),
                new SseParser.Event("message", "[DONE]")), events);
    }

    @Test
    void anEventSplitAnywhereIsReadWholeEvenInsideACharacter() {
        byte[] whole = bytes("data: {\"text\":\"Grüße \uD83D\uDE00\"}\r\n\r\n");
        for (int cut = 1; cut < whole.length; cut++) {
            events.clear();
            feed(Arrays.copyOfRange(whole, 0, cut), Arrays.copyOfRange(whole, cut, whole.length));
            assertEquals(List.of(new SseParser.Event("message", "{\"text\":\"Grüße \uD83D\uDE00\"}")), events,
                    "cut at byte " + cut);
        }
    }

    @Test
    void commentsAndOtherFieldsAreSkippedAndDataLinesJoin() {
        feed(bytes(": keep-alive\n\nid: 7\nretry: 100\ndata: first\ndata: second\n\n\n"));

        assertEquals(List.of(new SseParser.Event("message", "first\nsecond")), events);
    }

    @Test
    void anEventWithoutItsBlankLineIsNotDispatched() {
        feed(bytes("data: complete\n\ndata: cut off"));

        assertEquals(List.of(new SseParser.Event("message", "complete")), events);
    }
}
