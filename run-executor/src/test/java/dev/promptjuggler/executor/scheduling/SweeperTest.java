package dev.promptjuggler.executor.scheduling;

import static dev.promptjuggler.contracts.Priority.LOW;
import static dev.promptjuggler.contracts.Priority.ONSITE;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.promptjuggler.contracts.RunFinished;
import dev.promptjuggler.contracts.RunKind;
import dev.promptjuggler.executor.support.FinishedNotices;
import dev.promptjuggler.executor.support.TestPlatform;
import dev.promptjuggler.executor.support.TwoSlots;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** What no event brings back: the sweeper puts it back, and a finished run's outcome never changes. */
@QuarkusTest
@TestProfile(TwoSlots.class)
class SweeperTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @Inject
    Sweeper sweeper;

    @Inject
    RunTopicsConsumer consumer;

    @Inject
    WorkerId worker;

    @Test
    void aRunWhoseWorkerDiedIsRequeuedAndFinishedByTheNextClaim() {
        await().atMost(PATIENCE).until(consumer::assigned);
        var prompt = TestPlatform.prompt();
        UUID run = TestPlatform.storeRun(prompt, ONSITE, "orphaned");
        // Claimed by a worker that died: its lease ran out and no record of the run is left in Kafka.
        TestPlatform.update("INSERT INTO executor.run_states (run_id, lease_owner, attempts, started_at, lease_expires_at)"
                + " VALUES (?, 'dead-worker', 1, now() - interval '2 minutes', now() - interval '1 minute')", run);

        assertTrue(sweeper.sweep().await().atMost(PATIENCE).requeued() >= 1);

        await().atMost(PATIENCE).until(() -> "completed".equals(TestPlatform.status(run)));
        Object[] row = TestPlatform.query("SELECT lease_owner, attempts, output FROM gateway.runs_with_state WHERE id = ?", run).get(0);
        assertEquals(worker.value(), row[0]);
        assertEquals(2, row[1]);
        assertEquals("answered", row[2]);
    }

    @Test
    void aRunNeverClaimedIsPublishedAgain() {
        await().atMost(PATIENCE).until(consumer::assigned);
        var prompt = TestPlatform.prompt();
        // The gateway stored it and died before publishing.
        UUID run = TestPlatform.storeRun(prompt, LOW, "never published");
        TestPlatform.update("UPDATE gateway.runs SET created_at = now() - interval '1 hour' WHERE id = ?", run);
        // An hour ago the sweeper's cursor was before it: it never moves past a run without a state row.
        TestPlatform.update("UPDATE executor.sweep_cursor SET unclaimed_since = now() - interval '2 hours'");

        sweeper.sweep().await().atMost(PATIENCE);

        await().atMost(PATIENCE).until(() -> "completed".equals(TestPlatform.status(run)));
        assertNotNull(TestPlatform.query("SELECT requeued_at FROM gateway.runs_with_state WHERE id = ?", run).get(0)[0]);
    }

    @Test
    void aFinishedRunWhoseNoticeWasLostGetsItAgainWithTheStoredOutcomeAndTheSameEventId() {
        var prompt = TestPlatform.prompt();
        UUID run = TestPlatform.storeRun(prompt, ONSITE, "finished, notice lost");
        TestPlatform.update("INSERT INTO executor.run_states (run_id, status, error, finished_at)"
                + " VALUES (?, 'failed', 'stored error', now() - interval '5 minutes')", run);

        try (FinishedNotices finished = FinishedNotices.fromNow()) {
            sweeper.sweep().await().atMost(PATIENCE);

            ConsumerRecord<String, String> notice = await().atMost(PATIENCE).until(() -> finished.next(run), found -> found != null);
            assertTrue(notice.value().contains("\"status\":\"failed\""), notice.value());
            String eventId = new String(notice.headers().lastHeader("ce_id").value(), StandardCharsets.UTF_8);
            assertEquals(new RunFinished(run, prompt.tenantId(), RunKind.PROMPT, null, null, null).eventId().toString(), eventId);
        }
        assertNotNull(TestPlatform.query("SELECT notified_at FROM gateway.runs_with_state WHERE id = ?", run).get(0)[0]);
        assertEquals("failed", TestPlatform.status(run));
    }

    @Test
    void aRepeatedRequestForAFinishedRunChangesNothing() {
        await().atMost(PATIENCE).until(consumer::assigned);
        var prompt = TestPlatform.prompt();
        try (var platform = new TestPlatform()) {
            UUID done = platform.requestRun(prompt, ONSITE, "first");
            await().atMost(PATIENCE).until(() -> "completed".equals(TestPlatform.status(done)));
            TestPlatform.update("UPDATE executor.run_states SET output = 'the stored outcome' WHERE run_id = ?", done);
            Object finishedAt = TestPlatform.query("SELECT finished_at FROM gateway.runs_with_state WHERE id = ?", done).get(0)[0];

            platform.publish(prompt, done, ONSITE);
            // A later run on the same topic and partition (same thread) is taken after the repeat.
            UUID later = TestPlatform.storeRun(prompt, ONSITE, "later");
            TestPlatform.update("UPDATE gateway.runs SET thread_id = (SELECT thread_id FROM gateway.runs_with_state WHERE id = ?)"
                    + " WHERE id = ?", done, later);
            platform.publish(prompt, later, ONSITE);
            await().atMost(PATIENCE).until(() -> "completed".equals(TestPlatform.status(later)));

            Object[] row = TestPlatform.query("SELECT status, output, finished_at, attempts FROM gateway.runs_with_state WHERE id = ?", done).get(0);
            assertEquals("completed", row[0]);
            assertEquals("the stored outcome", row[1]);
            assertEquals(finishedAt, row[2]);
            assertEquals(1, row[3]);
        }
    }
}
