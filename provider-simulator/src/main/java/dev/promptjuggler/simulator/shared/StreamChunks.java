package dev.promptjuggler.simulator.shared;

import java.util.ArrayList;
import java.util.List;

/** How the simulator cuts an answer's text for streaming, the same way in every format. */
public final class StreamChunks {

    private StreamChunks() {
    }

    /**
     * The text in pieces of one word each, the whitespace after a word kept with it, so the pieces joined are the
     * text exactly. Real models stream tokens, roughly this size.
     */
    public static List<String> pieces(String text) {
        List<String> pieces = new ArrayList<>();
        if (text == null || text.isEmpty()) {
            return pieces;
        }
        int start = 0;
        int i = 0;
        while (i < text.length()) {
            while (i < text.length() && !Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            pieces.add(text.substring(start, i));
            start = i;
        }
        return pieces;
    }

    /** JSON text (a tool's arguments) in pieces of {@code size} characters, as providers cut it. */
    public static List<String> slices(String text, int size) {
        List<String> slices = new ArrayList<>();
        for (int start = 0; start < text.length(); start += size) {
            slices.add(text.substring(start, Math.min(text.length(), start + size)));
        }
        return slices;
    }

    /** A server-sent event: {@code event:} when named (Anthropic), then its one {@code data:} line. */
    public static String event(String name, String data, String lineEnd) {
        return (name == null ? "" : "event: " + name + lineEnd) + "data: " + data + lineEnd + lineEnd;
    }
}
