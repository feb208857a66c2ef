package dev.promptjuggler.contracts.knowledge;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Locale;

/**
 * A document's processing status exactly as the SDK's {@code KnowledgeDocumentStatus} spells it:
 * {@code pending} (stored, not yet chunked), {@code sealed} (text extracted and chunked, embedding under
 * way), then {@code ready} or {@code failed}.
 */
public enum KnowledgeDocumentStatus {
    @JsonProperty("pending") PENDING,
    @JsonProperty("sealed") SEALED,
    @JsonProperty("ready") READY,
    @JsonProperty("failed") FAILED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static KnowledgeDocumentStatus fromWireName(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }

    /** Pending and sealed documents keep their knowledge base {@code pending}. */
    public boolean inProgress() {
        return this == PENDING || this == SEALED;
    }
}
