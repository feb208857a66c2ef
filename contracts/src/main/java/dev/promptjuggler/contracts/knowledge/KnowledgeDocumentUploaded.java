package dev.promptjuggler.contracts.knowledge;

import dev.promptjuggler.contracts.EventTypes;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

/**
 * A document's bytes are stored and it awaits processing. Published by api-gateway to
 * {@link dev.promptjuggler.contracts.Topics#KNOWLEDGE_UPLOADED}, keyed by knowledge base id. A reference
 * only: the bytes stay in PostgreSQL.
 */
public record KnowledgeDocumentUploaded(
        UUID documentId,
        UUID knowledgeBaseId,
        UUID tenantId,
        Instant uploadedAt) {

    public static final String TYPE = EventTypes.KNOWLEDGEDOCUMENT_UPLOADED;
    public static final int SCHEMA_VERSION = 1;

    /** Derived from the document: a republished notice carries the same id. */
    public UUID eventId() {
        return UUID.nameUUIDFromBytes((TYPE + "/" + documentId).getBytes(StandardCharsets.UTF_8));
    }
}
