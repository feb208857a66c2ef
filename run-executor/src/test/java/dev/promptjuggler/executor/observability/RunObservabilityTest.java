package dev.promptjuggler.executor.observability;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.promptjuggler.contracts.Priority;
import dev.promptjuggler.executor.scheduling.RunTopicsConsumer;
import dev.promptjuggler.executor.support.FlakyProvider;
import dev.promptjuggler.executor.support.FlakyProviderProfile;
import dev.promptjuggler.executor.support.Scrape;
import dev.promptjuggler.executor.support.TestPlatform;
import dev.promptjuggler.executor.support.TestPlatform.Prompt;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.Test;

/**
 * What an operator sees of one run: the meters move by exactly what the run did (one run finished, one claim,
 * one refused provider call retried after the provider's hint, one answer with its tokens), and the lines logged
 * while handling it carry its tenant and run id.
 */
@QuarkusTest
@TestProfile(FlakyProviderProfile.class)
class RunObservabilityTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final Map<String, String> LOW = Map.of("priority", "low");
    private static final Map<String, String> OPENAI = Map.of("provider", "openai", "model", "gpt-5.5");

    @Inject
    RunTopicsConsumer consumer;

    @Test
    void aRunWithOneRetriedProviderCallMovesTheMetersByExactlyThatAndItsLogLinesNameIt() {
        await().atMost(PATIENCE).until(consumer::assigned);
        Prompt prompt = TestPlatform.prompt();
        List<Logged> logged = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record instanceof ExtLogRecord ext) {
                    logged.add(new Logged(ext.getFormattedMessage(), ext.getMdcCopy()));
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
        root.addHandler(capture);
        Scrape before = Scrape.now();
        UUID run;
        try (var platform = new TestPlatform()) {
            run = platform.requestRun(prompt, Priority.LOW, FlakyProvider.FLAKY_MARKER + " hello");
            await().atMost(PATIENCE).until(() -> "completed".equals(TestPlatform.status(run)));
        } finally {
            root.removeHandler(capture);
        }
        // The counters move when the run's end is stored and announced; the status is stored just before.
        await().atMost(PATIENCE).until(() -> Scrape.now().since(before, "executor_runs_finished_total",
                Map.of("kind", "prompt", "priority", "low", "status", "completed")) == 1);
        Scrape after = Scrape.now();

        assertEquals(1, after.since(before, "executor_runs_queue_wait_seconds_count", LOW));
        assertEquals(1, after.since(before, "executor_runs_duration_seconds_count", LOW));
        assertEquals(0, after.since(before, "executor_runs_finished_total", Map.of("status", "failed")));
        assertEquals(1, after.since(before, "executor_provider_calls_seconds_count", with(OPENAI, "outcome", "server_error")));
        assertEquals(1, after.since(before, "executor_provider_calls_seconds_count", with(OPENAI, "outcome", "ok")));
        assertEquals(1, after.since(before, "executor_provider_retries_total", OPENAI));
        assertEquals(1, after.since(before, "executor_provider_retry_after_seconds_count", Map.of("provider", "openai")));
        assertEquals(1, after.since(before, "executor_provider_tokens_total", with(OPENAI, "type", "input")));
        assertEquals(1, after.since(before, "executor_provider_tokens_total", with(OPENAI, "type", "output")));
        assertTrue(after.has("kafka_consumer_fetch_manager_records_lag_max"), "the run consumer's lag is reported");

        List<Logged> retryLines = logged.stream().filter(line -> line.message().startsWith("openai attempt 1 of")).toList();
        assertEquals(1, retryLines.size(), "one line about the retried attempt");
        assertEquals(run.toString(), retryLines.get(0).mdc().get("runId"));
        assertEquals(prompt.tenantId().toString(), retryLines.get(0).mdc().get("tenantId"));
    }

    /** A log line as the JSON format writes it: its message and its MDC. */
    private record Logged(String message, Map<String, String> mdc) {
    }

    private static Map<String, String> with(Map<String, String> tags, String key, String value) {
        var all = new java.util.HashMap<>(tags);
        all.put(key, value);
        return all;
    }
}
