package dev.promptjuggler.gateway.stream;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A stream position, sent as each frame's SSE {@code id} and read back from {@code Last-Event-ID}:
 * {@code <partition>-<offset>} of the frame's record. A thread's frames all live on one partition, so the offset
 * alone orders them, and every gateway replica reads the same log: a cursor resumes anywhere.
 */
record Cursor(int partition, long offset) {

    private static final Pattern FORMAT = Pattern.compile("([0-9]{1,9})-(-1|[0-9]{1,18})");

    static Optional<Cursor> parse(String value) {
        var matcher = FORMAT.matcher(value.trim());
        return matcher.matches()
                ? Optional.of(new Cursor(Integer.parseInt(matcher.group(1)), Long.parseLong(matcher.group(2))))
                : Optional.empty();
    }

    @Override
    public String toString() {
        return partition + "-" + offset;
    }
}
