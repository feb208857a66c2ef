package dev.promptjuggler.gateway.promptly.apps;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The streamed output of one run, as Promptly's client stitches it: each chunk is appended to what came before, so
 * nothing sent can be taken back. The text is the prefix (the output template's text before the streamed answer),
 * then the answer's tokens. A provider retry re-opens the answer ({@code reset}): its tokens are sent only once they
 * go beyond what was already sent and agree with it. At the end, what the stored output has beyond the sent text
 * (the rest of the template, or all of it when nothing streamed) goes out.
 */
final class LiveOutput {

    private final String prefix;
    private final List<String> pending = new ArrayList<>();
    private Consumer<String> sink;
    private final StringBuilder sent = new StringBuilder();
    private final StringBuilder attempt = new StringBuilder();
    /** Whether the current attempt's text is what was sent (after the prefix), so its tokens go straight out. */
    private boolean inStep = true;
    /** A retry wrote something else than what was sent: nothing more streams; the end says what it can. */
    private boolean diverged;
    private boolean finished;

    LiveOutput(String prefix) {
        this.prefix = prefix;
    }

    /** Where chunks go from now on; those produced before wait for it. */
    synchronized void attach(Consumer<String> sink) {
        this.sink = sink;
        pending.forEach(sink);
        pending.clear();
    }

    /** An attempt of the model call starts: the first, or a retry. */
    synchronized void reset() {
        attempt.setLength(0);
        inStep = sent.length() == 0;
    }

    synchronized void token(String text) {
        if (finished || diverged || text == null || text.isEmpty()) {
            return;
        }
        attempt.append(text);
        if (inStep) {
            send(sent.length() == 0 ? prefix + text : text);
            return;
        }
        String candidate = prefix + attempt;
        if (candidate.length() <= sent.length()) {
            diverged = !sent.toString().startsWith(candidate);
        } else if (candidate.startsWith(sent.toString())) {
            inStep = true;
            send(candidate.substring(sent.length()));
        } else {
            diverged = true;
        }
    }

    /**
     * The run ended with {@code output}: what of it was not sent yet, if the sent text is its beginning; empty when
     * everything was sent or when a retry's different answer had already been partly sent (docs/promptly.md).
     */
    synchronized Optional<String> finish(String output) {
        finished = true;
        if (output == null || !output.startsWith(sent.toString()) || output.length() == sent.length()) {
            return Optional.empty();
        }
        return Optional.of(output.substring(sent.length()));
    }

    private void send(String chunk) {
        sent.append(chunk);
        if (sink != null) {
            sink.accept(chunk);
        } else {
            pending.add(chunk);
        }
    }
}
