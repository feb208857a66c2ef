package dev.promptjuggler.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The payloads are a public contract: these are the exact bytes subscribers parse (docs/events.md). */
class EventJsonShapeTest {

    // Configured as Quarkus configures its ObjectMapper: ISO-8601 instants, not numbers.
    private final ObjectMapper json = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private static final UUID RUN = UUID.fromString("0f9c2a4e-5b1d-4c3e-9a7f-2d8e6b1c4a90");
    private static final UUID TENANT = UUID.fromString("7d1e5c8a-3b2f-4e6d-8c9a-1f0e2d3c4b5a");
    private static final UUID THREAD = UUID.fromString("a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d");
    private static final UUID REVISION = UUID.fromString("11111111-2222-4333-8444-555555555555");
    private static final Instant AT = Instant.parse("2026-11-22T18:00:00.123Z");

    @Test
    void runRequestedJson() throws Exception {
        var event = new RunRequested(RUN, TENANT, THREAD, RunKind.PROMPT, Priority.ONSITE, REVISION, AT);
        String expected = """
                {"runId":"0f9c2a4e-5b1d-4c3e-9a7f-2d8e6b1c4a90","tenantId":"7d1e5c8a-3b2f-4e6d-8c9a-1f0e2d3c4b5a",\
                "threadId":"a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d","kind":"prompt","priority":"onsite",\
                "revisionId":"11111111-2222-4333-8444-555555555555","acceptedAt":"2026-11-22T18:00:00.123Z"}""";

        assertEquals(expected, json.writeValueAsString(event));
        assertEquals(event, json.readValue(expected, RunRequested.class));
    }

    @Test
    void runCancelRequestedJson() throws Exception {
        var event = new RunCancelRequested(RUN, TENANT, AT);
        String expected = """
                {"runId":"0f9c2a4e-5b1d-4c3e-9a7f-2d8e6b1c4a90","tenantId":"7d1e5c8a-3b2f-4e6d-8c9a-1f0e2d3c4b5a",\
                "requestedAt":"2026-11-22T18:00:00.123Z"}""";

        assertEquals(expected, json.writeValueAsString(event));
        assertEquals(event, json.readValue(expected, RunCancelRequested.class));
    }

    @Test
    void runFinishedJson() throws Exception {
        var event = new RunFinished(RUN, TENANT, RunKind.WORKFLOW, RunStatus.FAILED, "prod-eu", AT);
        String expected = """
                {"runId":"0f9c2a4e-5b1d-4c3e-9a7f-2d8e6b1c4a90","tenantId":"7d1e5c8a-3b2f-4e6d-8c9a-1f0e2d3c4b5a",\
                "kind":"workflow","status":"failed","environment":"prod-eu","finishedAt":"2026-11-22T18:00:00.123Z"}""";

        assertEquals(expected, json.writeValueAsString(event));
        assertEquals(event, json.readValue(expected, RunFinished.class));
        assertEquals("workflowrun.finished", event.type());
        assertEquals(event.eventId(), new RunFinished(RUN, TENANT, RunKind.WORKFLOW, RunStatus.FAILED, null, AT.plusSeconds(9))
                .eventId(), "a repeated notice keeps its event id");
    }

    @Test
    void eachPriorityHasItsTopicAndWireName() {
        assertEquals("runs.onsite", Priority.ONSITE.topic());
        assertEquals("runs.normal", Priority.fromWireName("normal").topic());
        assertEquals("runs.low", Priority.LOW.topic());
        assertEquals(null, Priority.fromWireName("urgent"));
    }
}
