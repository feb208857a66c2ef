package dev.promptjuggler.executor.llm;

/**
 * Told what one model call produces while it produces it: a new attempt (the provider is asked again after a
 * failure, so what the previous attempt streamed is void) and each piece of the answer's text as it arrives.
 * Called on the HTTP client's thread, one call at a time per model call; it must not block.
 */
public interface TextListener {

    /** For calls nobody watches (tests, nested prompts). */
    TextListener NONE = new TextListener() {
        @Override
        public void attempt() {
        }

        @Override
        public void text(String delta) {
        }
    };

    /** An attempt starts: whatever an earlier attempt of this call streamed is void. */
    void attempt();

    /** The next piece of the answer's text (never empty). */
    void text(String delta);
}
