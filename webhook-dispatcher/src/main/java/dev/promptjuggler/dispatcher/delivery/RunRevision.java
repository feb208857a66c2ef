package dev.promptjuggler.dispatcher.delivery;

import java.util.UUID;

/**
 * The revision a finished run ran; its webhook carries it in the {@code PromptJuggler-Revision-Id} and
 * {@code PromptJuggler-Revision-Version} headers, as the gateway's run reads do.
 *
 * @param version the published version, or 0 for a draft run (the snapshot of a draft it executed)
 */
public record RunRevision(UUID id, int version) {

    public static final String ID_HEADER = "PromptJuggler-Revision-Id";
    public static final String VERSION_HEADER = "PromptJuggler-Revision-Version";

    /** {@link #VERSION_HEADER}'s value: the version number, or {@code draft} for a draft run. */
    public String versionHeader() {
        return version == 0 ? "draft" : Integer.toString(version);
    }
}
