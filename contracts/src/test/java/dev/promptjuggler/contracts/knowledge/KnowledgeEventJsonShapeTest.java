package dev.promptjuggler.contracts.knowledge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The knowledge events are a public contract: the exact bytes subscribers parse (docs/events.md). */
class KnowledgeEventJsonShapeTest {

    private final ObjectMapper json = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private static final UUID DOCUMENT = UUID.fromString("3c1d9a7e-2b4f-4e6a-9c8d-7f6e5d4c3b2a");
    private static final UUID OTHER_DOCUMENT = UUID.fromString("4d2e0b8f-3c5a-4f7b-8d9e-8a7f6e5d4c3b");
    private static final UUID BASE = UUID.fromString("9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b");
    private static final UUID TENANT = UUID.fromString("7d1e5c8a-3b2f-4e6d-8c9a-1f0e2d3c4b5a");
    private static final Instant AT = Instant.parse("2026-11-22T18:00:00.123Z");

    @Test
    void documentUploadedJson() throws Exception {
        var event = new KnowledgeDocumentUploaded(DOCUMENT, BASE, TENANT, AT);
        String expected = """
                {"documentId":"3c1d9a7e-2b4f-4e6a-9c8d-7f6e5d4c3b2a","knowledgeBaseId":"9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b",\
                "tenantId":"7d1e5c8a-3b2f-4e6d-8c9a-1f0e2d3c4b5a","uploadedAt":"2026-11-22T18:00:00.123Z"}""";

        assertEquals(expected, json.writeValueAsString(event));
        assertEquals(event, json.readValue(expected, KnowledgeDocumentUploaded.class));
        assertEquals("knowledgedocument.uploaded", KnowledgeDocumentUploaded.TYPE);
    }

    @Test
    void documentFinishedJsonOmitsTheErrorOfAReadyDocument() throws Exception {
        var ready = new KnowledgeDocumentFinished(DOCUMENT, BASE, TENANT, KnowledgeDocumentStatus.READY, 12, null, AT);
        String expected = """
                {"documentId":"3c1d9a7e-2b4f-4e6a-9c8d-7f6e5d4c3b2a","knowledgeBaseId":"9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b",\
                "tenantId":"7d1e5c8a-3b2f-4e6d-8c9a-1f0e2d3c4b5a","status":"ready","chunkCount":12,\
                "finishedAt":"2026-11-22T18:00:00.123Z"}""";
        assertEquals(expected, json.writeValueAsString(ready));
        assertEquals(ready, json.readValue(expected, KnowledgeDocumentFinished.class));

        var failed = new KnowledgeDocumentFinished(DOCUMENT, BASE, TENANT, KnowledgeDocumentStatus.FAILED, 0,
                "no text found", AT);
        assertEquals(failed, json.readValue(json.writeValueAsString(failed), KnowledgeDocumentFinished.class));
        assertEquals(ready.eventId(), failed.eventId(), "one event id per document, whatever its outcome");
        assertEquals("knowledgedocument.finished", KnowledgeDocumentFinished.TYPE);
    }

    @Test
    void baseFinishedJsonAndOneEventIdPerOccasion() throws Exception {
        var event = new KnowledgeBaseFinished(BASE, TENANT, KnowledgeBaseStatus.READY, 3, 40, DOCUMENT, AT);
        String expected = """
                {"knowledgeBaseId":"9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b","tenantId":"7d1e5c8a-3b2f-4e6d-8c9a-1f0e2d3c4b5a",\
                "status":"ready","documentCount":3,"chunkCount":40,"lastDocumentId":"3c1d9a7e-2b4f-4e6a-9c8d-7f6e5d4c3b2a",\
                "finishedAt":"2026-11-22T18:00:00.123Z"}""";

        assertEquals(expected, json.writeValueAsString(event));
        assertEquals(event, json.readValue(expected, KnowledgeBaseFinished.class));
        assertEquals(event.eventId(),
                new KnowledgeBaseFinished(BASE, TENANT, KnowledgeBaseStatus.READY, 3, 40, DOCUMENT, AT.plusSeconds(5)).eventId(),
                "a repeated notice keeps its id");
        assertNotEquals(event.eventId(),
                new KnowledgeBaseFinished(BASE, TENANT, KnowledgeBaseStatus.READY, 4, 52, OTHER_DOCUMENT, AT).eventId(),
                "a later occasion is a new event");
    }

    @Test
    void baseStatusFollowsItsDocuments() {
        assertEquals(KnowledgeBaseStatus.READY, KnowledgeBaseStatus.of(0, 0, 0));
        assertEquals(KnowledgeBaseStatus.PENDING, KnowledgeBaseStatus.of(1, 2, 3));
        assertEquals(KnowledgeBaseStatus.READY, KnowledgeBaseStatus.of(0, 2, 3));
        assertEquals(KnowledgeBaseStatus.FAILED, KnowledgeBaseStatus.of(0, 3, 3));
    }
}
