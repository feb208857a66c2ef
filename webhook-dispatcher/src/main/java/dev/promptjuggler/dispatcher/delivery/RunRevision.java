package dev.promptjuggler.dispatcher.delivery;

import java.util.UUID;

/**
 * The published revision a finished run ran; its webhook carries it in the {@code PromptJuggler-Revision-Id} and
 * {@code PromptJuggler-Revision-Version} headers, as the gateway's run reads do.
 */
public record RunRevision(UUID id, int version) {

    public static final String ID_HEADER = "PromptJuggler-Revision-Id";
    public static final String VERSION_HEADER = "PromptJuggler-Revision-Version";
}
