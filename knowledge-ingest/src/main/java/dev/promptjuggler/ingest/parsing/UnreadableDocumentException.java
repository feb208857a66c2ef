package dev.promptjuggler.ingest.parsing;

/** The document cannot be turned into text; its message is the reason the user sees on the failed document. */
public class UnreadableDocumentException extends RuntimeException {

    public UnreadableDocumentException(String message) {
        super(message);
    }

    public UnreadableDocumentException(String message, Throwable cause) {
        super(message, cause);
    }
}
