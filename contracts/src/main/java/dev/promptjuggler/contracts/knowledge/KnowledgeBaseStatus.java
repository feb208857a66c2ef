package dev.promptjuggler.contracts.knowledge;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;

/** A knowledge base's status exactly as the SDK's {@code KnowledgeBaseStatus} spells it. */
public enum KnowledgeBaseStatus {
    @JsonProperty("pending") PENDING,
    @JsonProperty("ready") READY,
    @JsonProperty("failed") FAILED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The one rule every reader applies, so the GET endpoints and the events always agree: {@code pending}
     * while any document is in progress, {@code failed} when every document failed, otherwise
     * {@code ready} (an empty base is ready: nothing is left to do).
     */
    public static KnowledgeBaseStatus of(long inProgress, long failed, long documents) {
        if (inProgress > 0) {
            return PENDING;
        }
        return documents > 0 && failed == documents ? FAILED : READY;
    }
}
