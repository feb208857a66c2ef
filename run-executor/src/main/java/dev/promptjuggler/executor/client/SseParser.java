package dev.promptjuggler.executor.client;

import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Server-sent events read incrementally, as the WHATWG EventSource rules say: lines end with LF, CRLF or CR (Gemini
 * ends its events with CRLF); {@code event:} names the event, {@code data:} lines are joined with LF, a blank line
 * dispatches, lines starting with {@code :} are comments. Bytes are decoded a whole line at a time, so a UTF-8
 * character split across two network chunks is read whole. An event left without its blank line when the stream
 * ends is dropped, as browsers do.
 */
public final class SseParser {

    /** One dispatched event; {@code event} is {@code message} when the stream named none. */
    public record Event(String event, String data) {
    }

    private final Consumer<Event> onEvent;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private final StringBuilder data = new StringBuilder();
    private String event;
    private boolean hasData;
    private boolean afterCarriageReturn;

    public SseParser(Consumer<Event> onEvent) {
        this.onEvent = onEvent;
    }

    public void feed(Buffer chunk) {
        byte[] bytes = chunk.getBytes();
        int start = 0;
        for (int i = 0; i < bytes.length; i++) {
            byte b = bytes[i];
            if (afterCarriageReturn) {
                afterCarriageReturn = false;
                if (b == '\n') {
                    start = i + 1;
                    continue;
                }
            }
            if (b == '\n' || b == '\r') {
                afterCarriageReturn = b == '\r';
                line(lineEndingAt(bytes, start, i));
                start = i + 1;
            }
        }
        line.write(bytes, start, bytes.length - start);
    }

    /** The line that ends at {@code end}: what earlier chunks left of it, then {@code bytes} from {@code start}. */
    private String lineEndingAt(byte[] bytes, int start, int end) {
        if (line.size() == 0) {
            return new String(bytes, start, end - start, StandardCharsets.UTF_8);
        }
        line.write(bytes, start, end - start);
        String text = line.toString(StandardCharsets.UTF_8);
        line.reset();
        return text;
    }

    private void line(String text) {
        if (text.isEmpty()) {
            if (hasData) {
                onEvent.accept(new Event(event == null ? "message" : event, data.toString()));
            }
            event = null;
            data.setLength(0);
            hasData = false;
            return;
        }
        if (text.startsWith(":")) {
            return;
        }
        int colon = text.indexOf(':');
        String field = colon < 0 ? text : text.substring(0, colon);
        String value = colon < 0 ? "" : text.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        switch (field) {
            case "event" -> event = value;
            case "data" -> {
                if (hasData) {
                    data.append('\n');
                }
                data.append(value);
                hasData = true;
            }
            default -> {
                // id and retry mean nothing to a provider's answer
            }
        }
    }
}
