package dev.promptjuggler.executor.service;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.promptjuggler.contracts.Priority;
import dev.promptjuggler.contracts.Topics;
import dev.promptjuggler.executor.messaging.RunCancelConsumer;
import dev.promptjuggler.executor.scheduling.RunTopicsConsumer;
import dev.promptjuggler.executor.support.FinishedNotices;
import dev.promptjuggler.executor.support.KafkaSettings;
import dev.promptjuggler.executor.support.SimulatedProviders;
import dev.promptjuggler.executor.support.SimulatorProcess;
import dev.promptjuggler.executor.support.SimulatorResource;
import dev.promptjuggler.executor.support.TestPlatform;
import dev.promptjuggler.schema.testing.PendingRuns;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Runs stopped for real: a cancel request as api-gateway makes it (its row in {@code gateway.run_cancellations}, its
 * record on {@code runs.cancel}) and a definition's deadline, against the provider simulator holding the provider's
 * answer open, on the real broker and database. The simulator tells whether the executor closed its connection.
 */
@QuarkusTest
@TestProfile(SimulatedProviders.class)
class RunStopTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    /** What the issue asks of a cancel: the run's provider request is aborted within this. */
    private static final Duration ABORTED_WITHIN = Duration.ofSeconds(2);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    RunTopicsConsumer runs;

    @Inject
    RunCancelConsumer cancels;

    private SimulatorProcess simulator;

    @BeforeEach
    void ready() throws Exception {
        await().atMost(PATIENCE).until(() -> runs.assigned() && cancels.assigned());
        simulator = SimulatorResource.simulator();
        simulator.reset();
    }

    @Test
    void aRunningPromptRunIsAbortedAtItsProviderAndEndsFailedCancelledWithOneNotice() throws Exception {
        simulator.hold("hold for cancel");
        TestPlatform.Prompt prompt = TestPlatform.prompt();
        try (FinishedNotices notices = FinishedNotices.fromNow(); TestPlatform platform = new TestPlatform()) {
            UUID run = platform.requestRun(prompt, Priority.ONSITE, "hold for cancel");
            await().atMost(PATIENCE).until(() -> holds().path("held").asInt() == 1);

            cancel(run, prompt.tenantId());

            await().atMost(ABORTED_WITHIN).until(() -> holds().path("closedByClient").asInt() == 1);
            assertOutcome(run, "failed", "cancelled");
            assertOneNotice(notices, run, "failed");
        }
        assertEquals(0, holds().path("held").asInt());
        assertEquals(0, calls().path("total").asInt(), "no answer was ever sent");
    }

    @Test
    void aRunCancelledBeforeItsClaimNeverCallsTheProvider() throws Exception {
        TestPlatform.Prompt prompt = TestPlatform.prompt();
        UUID run = TestPlatform.storeRun(prompt, Priority.NORMAL, "cancelled while pending");
        cancel(run, prompt.tenantId());
        try (FinishedNotices notices = FinishedNotices.fromNow(); TestPlatform platform = new TestPlatform()) {
            platform.publish(prompt, run, Priority.NORMAL);

            assertOutcome(run, "failed", "cancelled");
            assertOneNotice(notices, run, "failed");
        }
        assertEquals(0, calls().path("total").asInt(), "the provider was never called");
    }

    @Test
    void aRunPastItsDefinitionsDeadlineIsAbortedAndEndsFailedTimedOut() throws Exception {
        simulator.hold("hold past the deadline");
        TestPlatform.Prompt prompt = TestPlatform.prompt();
        TestPlatform.update("UPDATE gateway.definitions SET run_timeout_seconds = 1 WHERE id ="
                + " (SELECT definition_id FROM gateway.revisions WHERE id = ?)", prompt.revisionId());
        try (FinishedNotices notices = FinishedNotices.fromNow(); TestPlatform platform = new TestPlatform()) {
            UUID run = platform.requestRun(prompt, Priority.ONSITE, "hold past the deadline");

            assertOutcome(run, "failed", "timed out");
            assertOneNotice(notices, run, "failed");
        }
        assertEquals(1, holds().path("closedByClient").asInt(), "the provider request was aborted");
        assertEquals(0, holds().path("held").asInt());
    }

    @Test
    void aWorkflowCancelledWhileItsFanoutRunsStopsEveryItem() throws Exception {
        simulator.hold("hold fan");
        TestPlatform.Prompt prompt = TestPlatform.prompt();
        UUID definition = UUID.randomUUID();
        UUID revision = UUID.randomUUID();
        TestPlatform.update("INSERT INTO gateway.definitions (id, tenant_id, name, slug, draft, kind)"
                + " VALUES (?, ?, 'Fan', 'wf_fan', '{}'::jsonb, 'workflow')", definition, prompt.tenantId());
        TestPlatform.update("INSERT INTO gateway.revisions (id, tenant_id, definition_id, version, config)"
                + " VALUES (?, ?, ?, 1, ?::jsonb)", revision, prompt.tenantId(), definition, """
                {"nodes":[{"id":"list","type":"input","name":"text"},
                  {"id":"fan","type":"fanout","name":"Each","settings":{"prompt":"pr_echo","version":"1","concurrency":4}},
                  {"id":"out","type":"output","name":"answers"}],
                 "edges":[{"from":"list","to":"fan"},{"from":"fan","to":"out"}]}""");
        UUID run = UUID.randomUUID();
        TestPlatform.update(PendingRuns.insert("VALUES (?, ?, 'workflow', ?, 'default', 'onsite', 'production', ?, 1,"
                        + " jsonb_build_object('text', ?::text))"), run, prompt.tenantId(), TestPlatform.thread(prompt),
                revision, "[\"hold fan 1\",\"hold fan 2\",\"hold fan 3\"]");
        try (FinishedNotices notices = FinishedNotices.fromNow(); TestPlatform platform = new TestPlatform()) {
            platform.publish(new TestPlatform.Prompt(prompt.tenantId(), revision), run, Priority.ONSITE);
            await().atMost(PATIENCE).until(() -> holds().path("held").asInt() == 3);

            cancel(run, prompt.tenantId());

            await().atMost(ABORTED_WITHIN).until(() -> holds().path("closedByClient").asInt() == 3);
            assertOutcome(run, "failed", "cancelled");
            assertEquals("[\"cancelled\"]", TestPlatform.query("SELECT errors::text FROM gateway.runs_with_state WHERE id = ?",
                    run).get(0)[0]);
            assertOneNotice(notices, run, "failed");
        }
        assertEquals(0, calls().path("total").asInt(), "no item was answered");
    }

    /** What api-gateway does for {@code POST /manage/v1/runs/{id}/cancel}: the stored request, then its record. */
    private static void cancel(UUID run, UUID tenant) {
        TestPlatform.update("INSERT INTO gateway.run_cancellations (run_id, tenant_id) VALUES (?, ?)", run, tenant);
        try (var producer = new KafkaProducer<>(KafkaSettings.current(), new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(Topics.RUNS_CANCEL, run.toString(), "{\"runId\":\"" + run
                    + "\",\"tenantId\":\"" + tenant + "\",\"requestedAt\":\"" + Instant.now() + "\"}")).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void assertOutcome(UUID run, String status, String error) {
        await().atMost(PATIENCE).until(() -> !"pending".equals(TestPlatform.status(run)));
        Object[] row = TestPlatform.query("SELECT status, error, output FROM gateway.runs_with_state WHERE id = ?", run).get(0);
        assertEquals(status, row[0]);
        assertEquals(error, row[1]);
        assertNull(row[2]);
    }

    /** The run's notice arrives, and no second one while the notices published after it are read. */
    private static void assertOneNotice(FinishedNotices notices, UUID run, String status) throws Exception {
        ConsumerRecord<String, String> notice = null;
        Instant deadline = Instant.now().plus(PATIENCE);
        while (notice == null && Instant.now().isBefore(deadline)) {
            notice = notices.next(run);
        }
        assertNotNull(notice, "no runs.finished notice for " + run);
        assertEquals(status, JSON.readTree(notice.value()).path("status").asText());
        for (int poll = 0; poll < 5; poll++) {
            assertNull(notices.next(run), "a second notice for " + run);
        }
    }

    private JsonNode holds() throws Exception {
        return JSON.readTree(simulator.holds());
    }

    private JsonNode calls() throws Exception {
        return JSON.readTree(simulator.calls());
    }
}
