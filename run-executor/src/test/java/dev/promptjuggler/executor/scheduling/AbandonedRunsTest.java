package dev.promptjuggler.executor.scheduling;

import static dev.promptjuggler.contracts.Priority.NORMAL;
import static dev.promptjuggler.contracts.Priority.ONSITE;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.promptjuggler.contracts.Priority;
import dev.promptjuggler.contracts.secret.SecretCipher;
import dev.promptjuggler.contracts.secret.SecretOwners;
import dev.promptjuggler.executor.config.ExecutorConfig;
import dev.promptjuggler.executor.support.FinishedNotices;
import dev.promptjuggler.executor.support.Metrics;
import dev.promptjuggler.executor.support.TestPlatform;
import dev.promptjuggler.executor.support.TestPlatform.Prompt;
import dev.promptjuggler.executor.support.TwoSlots;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * Runs that can never execute end failed with the reason, announce it like any failed run, are counted, and
 * are never claimed again: variables encrypted under another key, a revision that does not read, and a run
 * whose workers kept dying (out of claims). The provider answers at once, so a run that executed would complete.
 */
@QuarkusTest
@TestProfile(TwoSlots.class)
class AbandonedRunsTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final String ABANDONED = "executor_runs_abandoned_total";
    private static final String SECRET = "sk-live-never-in-an-error";

    @Inject
    Sweeper sweeper;

    @Inject
    RunTopicsConsumer consumer;

    @Inject
    WorkerId worker;

    @Inject
    ExecutorConfig config;

    @Test
    void aStoredVariableEncryptedUnderAnotherKeyFailsTheRunOnceAndForAll() {
        await().atMost(PATIENCE).until(consumer::assigned);
        Prompt prompt = TestPlatform.prompt();
        String ciphertext = foreignCipher().encrypt(SECRET, SecretOwners.storedVariable(prompt.tenantId(), "OPENAI_API_KEY", null));
        TestPlatform.update("INSERT INTO gateway.environment_variables (id, tenant_id, key, environment, value)"
                + " VALUES (?, ?, 'OPENAI_API_KEY', NULL, ?)", UUID.randomUUID(), prompt.tenantId(), ciphertext);
        double before = Metrics.sample(ABANDONED, "reason", "unreadable_variables");

        try (var platform = new TestPlatform(); FinishedNotices finished = FinishedNotices.fromNow()) {
            UUID run = platform.requestRun(prompt, ONSITE, "hello");

            ConsumerRecord<String, String> notice = await().atMost(PATIENCE).until(() -> finished.next(run), found -> found != null);
            assertTrue(notice.value().contains("\"status\":\"failed\""), notice.value());
            Object[] row = TestPlatform.query("SELECT status, error, output, attempts, notified_at FROM gateway.runs_with_state WHERE id = ?",
                    run).get(0);
            assertEquals("failed", row[0]);
            String error = (String) row[1];
            assertTrue(error.startsWith("environment variable OPENAI_API_KEY could not be decrypted"), error);
            assertFalse(error.contains(SECRET) || error.contains(ciphertext), error);
            assertNull(row[2], "the prompt never ran");
            assertEquals(1, row[3]);
            await().atMost(PATIENCE).until(() -> TestPlatform.query("SELECT notified_at FROM gateway.runs_with_state WHERE id = ?", run)
                    .get(0)[0] != null);
            assertEquals(before + 1, Metrics.sample(ABANDONED, "reason", "unreadable_variables"));

            // Its lease time passes, the sweeper runs and its request comes again: nothing claims it.
            TestPlatform.update("UPDATE executor.run_states SET lease_expires_at = now() - interval '1 minute' WHERE run_id = ?",
                    run);
            sweeper.sweep().await().atMost(PATIENCE);
            platform.publish(prompt, run, ONSITE);
            completeAfterOnTheSameThread(platform, prompt, run, ONSITE);
            Object[] after = TestPlatform.query("SELECT status, error, attempts FROM gateway.runs_with_state WHERE id = ?", run).get(0);
            assertEquals("failed", after[0]);
            assertEquals(error, after[1]);
            assertEquals(1, after[2]);
        }
    }

    @Test
    void envVarsEncryptedUnderAnotherKeyFailTheRun() {
        await().atMost(PATIENCE).until(consumer::assigned);
        Prompt prompt = TestPlatform.prompt();
        UUID run = TestPlatform.storeRun(prompt, NORMAL, "hello");
        String ciphertext = foreignCipher().encrypt("{\"API_TOKEN\":\"" + SECRET + "\"}", SecretOwners.runVariables(run));
        TestPlatform.update("INSERT INTO gateway.run_env_vars (run_id, tenant_id, value) VALUES (?, ?, ?)", run,
                prompt.tenantId(), ciphertext);

        try (var platform = new TestPlatform(); FinishedNotices finished = FinishedNotices.fromNow()) {
            platform.publish(prompt, run, NORMAL);

            ConsumerRecord<String, String> notice = await().atMost(PATIENCE).until(() -> finished.next(run), found -> found != null);
            assertTrue(notice.value().contains("\"status\":\"failed\""), notice.value());
        }
        String error = (String) TestPlatform.query("SELECT error FROM gateway.runs_with_state WHERE id = ?", run).get(0)[0];
        assertTrue(error.startsWith("the run's envVars could not be decrypted"), error);
        assertFalse(error.contains(SECRET) || error.contains(ciphertext), error);
        // The run has ended, so api-gateway, their only writer, erases its variables (its EnvironmentVariablesTest).
        assertEquals("failed", TestPlatform.status(run));
    }

    @Test
    void aRevisionThatCannotBeReadFailsTheRun() {
        await().atMost(PATIENCE).until(consumer::assigned);
        Prompt prompt = TestPlatform.prompt();
        TestPlatform.update("UPDATE gateway.revisions SET config = '{\"provider\":\"openai\",\"model\":\"gpt-5.5\",\"messages\":42}'::jsonb"
                + " WHERE id = ?", prompt.revisionId());
        double before = Metrics.sample(ABANDONED, "reason", "unreadable_revision");

        try (var platform = new TestPlatform(); FinishedNotices finished = FinishedNotices.fromNow()) {
            UUID run = platform.requestRun(prompt, ONSITE, "hello");

            ConsumerRecord<String, String> notice = await().atMost(PATIENCE).until(() -> finished.next(run), found -> found != null);
            assertTrue(notice.value().contains("\"status\":\"failed\""), notice.value());
            Object[] row = TestPlatform.query("SELECT status, error, attempts FROM gateway.runs_with_state WHERE id = ?", run).get(0);
            assertEquals("failed", row[0]);
            assertTrue(((String) row[1]).startsWith("the run's prompt revision cannot be read: "), (String) row[1]);
            assertEquals(1, row[2]);
        }
        assertEquals(before + 1, Metrics.sample(ABANDONED, "reason", "unreadable_revision"));
    }

    @Test
    void aWorkflowRevisionThatCannotBeReadFailsTheRunWithTheReasonAmongItsErrors() {
        await().atMost(PATIENCE).until(consumer::assigned);
        Prompt prompt = TestPlatform.prompt();
        UUID definition = UUID.randomUUID();
        UUID revision = UUID.randomUUID();
        TestPlatform.update("INSERT INTO gateway.definitions (id, tenant_id, name, slug, draft, kind)"
                + " VALUES (?, ?, 'Flow', 'wf_flow', '{}'::jsonb, 'workflow')", definition, prompt.tenantId());
        TestPlatform.update("INSERT INTO gateway.revisions (id, tenant_id, definition_id, version, config)"
                + " VALUES (?, ?, ?, 1, '{\"nodes\":42}'::jsonb)", revision, prompt.tenantId(), definition);
        UUID run = TestPlatform.storeRun(prompt, NORMAL, "hello");
        TestPlatform.update("UPDATE gateway.runs SET kind = 'workflow', revision_id = ? WHERE id = ?", revision, run);

        try (var platform = new TestPlatform(); FinishedNotices finished = FinishedNotices.fromNow()) {
            platform.publish(prompt, run, NORMAL);

            ConsumerRecord<String, String> notice = await().atMost(PATIENCE).until(() -> finished.next(run), found -> found != null);
            assertTrue(notice.value().contains("\"kind\":\"workflow\"") && notice.value().contains("\"status\":\"failed\""),
                    notice.value());
        }
        Object[] row = TestPlatform.query("SELECT status, error, errors::text FROM gateway.runs_with_state WHERE id = ?", run).get(0);
        assertEquals("failed", row[0]);
        assertTrue(((String) row[1]).startsWith("the run's workflow revision cannot be read: "), (String) row[1]);
        assertTrue(((String) row[2]).contains("the run's workflow revision cannot be read"), (String) row[2]);
    }

    @Test
    void aRunOutOfClaimsIsNotExecutedAgainButEndedByTheSweeperWithItsNotice() {
        await().atMost(PATIENCE).until(consumer::assigned);
        // Whatever an earlier run of the suite left out of claims is ended first, so this sweep counts only ours.
        sweeper.sweep().await().atMost(PATIENCE);
        Prompt prompt = TestPlatform.prompt();
        UUID run = TestPlatform.storeRun(prompt, ONSITE, "kills its worker");
        // Claimed max-claims times by workers that died with it: the last lease has expired too.
        TestPlatform.update("INSERT INTO executor.run_states (run_id, lease_owner, attempts, started_at, lease_expires_at)"
                + " VALUES (?, 'dead-worker', ?, now() - interval '2 minutes', now() - interval '1 minute')",
                run, config.maxClaims());
        double before = Metrics.sample(ABANDONED, "reason", "max_claims");

        try (var platform = new TestPlatform(); FinishedNotices finished = FinishedNotices.fromNow()) {
            // Its request comes again (a redelivery, or an earlier sweep): the claim leaves it alone.
            platform.publish(prompt, run, ONSITE);
            completeAfterOnTheSameThread(platform, prompt, run, ONSITE);
            Object[] waiting = TestPlatform.query("SELECT status, attempts, lease_owner FROM gateway.runs_with_state WHERE id = ?", run).get(0);
            assertEquals("pending", waiting[0]);
            assertEquals(config.maxClaims(), waiting[1]);
            assertEquals("dead-worker", waiting[2]);

            Sweeper.Sweep sweep = sweeper.sweep().await().atMost(PATIENCE);

            assertEquals(1, sweep.abandoned());
            Object[] row = TestPlatform.query("SELECT status, error, output, attempts, lease_owner, finished_at"
                    + " FROM gateway.runs_with_state WHERE id = ?", run).get(0);
            assertEquals("failed", row[0]);
            assertTrue(((String) row[1]).startsWith("abandoned after " + config.maxClaims() + " claims"), (String) row[1]);
            assertNull(row[2], "the prompt never ran again");
            assertEquals(config.maxClaims() + 1, row[3]);
            assertEquals(worker.value(), row[4]);
            ConsumerRecord<String, String> notice = await().atMost(PATIENCE).until(() -> finished.next(run), found -> found != null);
            assertTrue(notice.value().contains("\"status\":\"failed\""), notice.value());
        }
        assertEquals(before + 1, Metrics.sample(ABANDONED, "reason", "max_claims"));
        assertEquals(0, sweeper.sweep().await().atMost(PATIENCE).abandoned());
    }

    /**
     * A run requested after {@code run} on the same thread (another channel, so no lane waits for the other), so
     * on the same partition: once it finished, the scheduler has dealt with {@code run}'s request. (It may fail
     * for the same reason as {@code run}: it belongs to the same tenant.)
     */
    private static void completeAfterOnTheSameThread(TestPlatform platform, Prompt prompt, UUID run, Priority priority) {
        UUID thread = (UUID) TestPlatform.query("SELECT thread_id FROM gateway.runs WHERE id = ?", run).get(0)[0];
        UUID later = TestPlatform.storeRun(prompt, priority, "later", thread, "another channel");
        platform.publish(prompt, later, priority);
        await().atMost(PATIENCE).until(() -> !"pending".equals(TestPlatform.status(later)));
    }

    private static SecretCipher foreignCipher() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return new SecretCipher(Base64.getEncoder().encodeToString(key));
    }
}
