package dev.promptjuggler.contracts.knowledge;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.promptjuggler.contracts.EventTypes;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

/**
 * A document reached {@code ready} or {@code failed}; that state is committed before this event is
 * published. Published by knowledge-ingest to {@link dev.promptjuggler.contracts.Topics#KNOWLEDGE_FINISHED},
 * keyed by knowledge base id. Public: the {@code knowledgedocument.finished} webhook announces
 * {@code {id: documentId, status, chunkCount}}.
 *
 * @param error why the document failed; absent when it is ready
 */
public record KnowledgeDocumentFinished(
        UUID documentId,
        UUID knowledgeBaseId,
        UUID tenantId,
        KnowledgeDocumentStatus status,
        int chunkCount,
        @JsonInclude(JsonInclude.Include.NON_NULL) String error,
        Instant finishedAt) {

    public static final String TYPE = EventTypes.KNOWLEDGEDOCUMENT_FINISHED;
    public static final int SCHEMA_VERSION = 1;

    /** Once per document: a notice published again carries the same id. */
    public UUID eventId() {
        return UUID.nameUUIDFromBytes((TYPE + "/" + documentId).getBytes(StandardCharsets.UTF_8));
    }
}
