package dev.promptjuggler.dispatcher.delivery;

import dev.promptjuggler.contracts.knowledge.KnowledgeBaseFinished;
import dev.promptjuggler.contracts.knowledge.KnowledgeDocumentFinished;
import java.util.UUID;

/** The bodies of the knowledge webhooks: the SDK's models plus the {@code event} name receivers expect. */
public final class KnowledgeWebhooks {

    private KnowledgeWebhooks() {
    }

    /** The SDK's {@code KnowledgeDocumentFinished}: {@code id} is the document's. */
    public record DocumentFinished(String event, UUID id, String status, int chunkCount) {

        public static DocumentFinished of(KnowledgeDocumentFinished finished) {
            return new DocumentFinished(KnowledgeDocumentFinished.TYPE, finished.documentId(),
                    finished.status().wireName(), finished.chunkCount());
        }
    }

    /** The SDK's {@code KnowledgeBaseFinished}: {@code id} is the knowledge base's. */
    public record BaseFinished(String event, UUID id, String status, int documentCount, int chunkCount) {

        public static BaseFinished of(KnowledgeBaseFinished finished) {
            return new BaseFinished(KnowledgeBaseFinished.TYPE, finished.knowledgeBaseId(), finished.status().wireName(),
                    finished.documentCount(), finished.chunkCount());
        }
    }
}
