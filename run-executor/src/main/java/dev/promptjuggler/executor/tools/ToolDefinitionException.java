package dev.promptjuggler.executor.tools;

/** A prompt's tool cannot be used: unsupported type, or a definition the run cannot work with. */
public class ToolDefinitionException extends RuntimeException {

    public ToolDefinitionException(String message) {
        super(message);
    }
}
