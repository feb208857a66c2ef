package dev.promptjuggler.contracts.knowledge;

import dev.promptjuggler.contracts.EventTypes;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

/**
 * A knowledge base has nothing left in progress. Published by knowledge-ingest to
 * {@link dev.promptjuggler.contracts.Topics#KNOWLEDGE_FINISHED}, keyed by knowledge base id, each time the
 * last in-progress document of the base finishes (or turns out to be deleted). Public: the
 * {@code knowledgebase.finished} webhook announces {@code {id: knowledgeBaseId, status, documentCount,
 * chunkCount}}; the counts are those of the committed state the event was computed from.
 *
 * @param lastDocumentId the document whose end left the base with nothing in progress
 */
public record KnowledgeBaseFinished(
        UUID knowledgeBaseId,
        UUID tenantId,
        KnowledgeBaseStatus status,
        int documentCount,
        int chunkCount,
        UUID lastDocumentId,
        Instant finishedAt) {

    public static final String TYPE = EventTypes.KNOWLEDGEBASE_FINISHED;
    public static final int SCHEMA_VERSION = 1;

    /** One per occasion (the document that ended it): a notice published again carries the same id. */
    public UUID eventId() {
        return UUID.nameUUIDFromBytes((TYPE + "/" + knowledgeBaseId + "/" + lastDocumentId)
                .getBytes(StandardCharsets.UTF_8));
    }
}
