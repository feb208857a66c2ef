package dev.promptjuggler.executor.stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.promptjuggler.contracts.Priority;
import dev.promptjuggler.contracts.Topics;
import dev.promptjuggler.executor.config.ExecutorConfig;
import dev.promptjuggler.executor.scheduling.RunTopicsConsumer;
import dev.promptjuggler.executor.scheduling.Sweeper;
import dev.promptjuggler.executor.support.KafkaSettings;
import dev.promptjuggler.executor.support.SimulatorResource;
import dev.promptjuggler.executor.support.StreamingSimulator;
import dev.promptjuggler.executor.support.TestPlatform;
import dev.promptjuggler.schema.testing.PendingRuns;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A run's frames on {@code runs.stream}, read back with a plain Kafka consumer as api-gateway reads them: prompt and
 * workflow runs executed for real against the streaming provider simulator, real broker and database.
 */
@QuarkusTest
@TestProfile(StreamingSimulator.class)
class StreamFramesTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Two Prompt nodes of {@code pr_stream}, each on a channel of its own. */
    private static final String TWO_LANES = """
            {"nodes":[{"id":"q","type":"input","name":"text"},
              {"id":"a","type":"prompt","name":"Left","settings":{"prompt":"pr_stream","version":"1","channel":"left"}},
              {"id":"b","type":"prompt","name":"Right","settings":{"prompt":"pr_stream","version":"1","channel":"right"}},
              {"id":"oa","type":"output","name":"left"},{"id":"ob","type":"output","name":"right"}],
             "edges":[{"from":"q","to":"a","toHandle":"text"},{"from":"q","to":"b","toHandle":"text"},
              {"from":"a","to":"oa"},{"from":"b","to":"ob"}]}""";

    @Inject
    RunTopicsConsumer consumer;

    @Inject
    Sweeper sweeper;

    @Inject
    ExecutorConfig config;

    private KafkaConsumer<String, String> frames;

    @BeforeEach
    void subscribe() throws Exception {
        await().atMost(PATIENCE).until(consumer::assigned);
        SimulatorResource.simulator().reset();
        Map<String, Object> settings = KafkaSettings.current();
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        frames = new KafkaConsumer<>(settings, new StringDeserializer(), new StringDeserializer());
        List<TopicPartition> partitions = frames.partitionsFor(Topics.RUNS_STREAM).stream()
                .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
        frames.assign(partitions);
        frames.seekToEnd(partitions);
        partitions.forEach(frames::position);
    }

    @AfterEach
    void close() {
        frames.close();
    }

    @Test
    void aPromptRunStreamsResetTokensThenDoneAndTheTokensMakeUpItsOutput() {
        TestPlatform.Prompt prompt = prompt("""
                {"provider":"openai","model":"gpt-5-mini","messages":[{"role":"user","content":"{{text}}"}]}""");
        UUID run = run(prompt, "Hello there streaming world");

        List<JsonNode> frames = framesOf(run, 1);

        assertEquals("completed", TestPlatform.status(run));
        assertEquals("reset", kind(frames.get(0)));
        assertEquals("done", kind(frames.get(frames.size() - 1)));
        List<JsonNode> tokens = frames.subList(1, frames.size() - 1);
        assertTrue(tokens.size() > 1, "the answer streams in several tokens: " + frames);
        assertTrue(tokens.stream().allMatch(frame -> "token".equals(kind(frame))));
        assertSequence(frames.subList(0, frames.size() - 1), 0);
        assertTrue(frames.stream().allMatch(frame -> "default".equals(frame.path("channel").asText())
                && run.toString().equals(frame.path("runId").asText())));
        String stored = (String) TestPlatform.query("SELECT output FROM gateway.runs_with_state WHERE id = ?", run).get(0)[0];
        assertEquals("[simulated gpt-5-mini] Hello there streaming world", stored);
        assertEquals(stored, text(tokens));
        // Usage and cost as without streaming: the simulator's words, 4 in and 6 out, at gpt-5-mini's list price.
        JsonNode usage = json((String) TestPlatform.query("SELECT token_usage::text FROM gateway.runs_with_state WHERE id = ?", run)
                .get(0)[0]);
        assertEquals(4, usage.path("input").asLong());
        assertEquals(6, usage.path("output").asLong());
        assertEquals(10, usage.path("total").asLong());
        JsonNode cost = json((String) TestPlatform.query("SELECT cost::text FROM gateway.runs_with_state WHERE id = ?", run).get(0)[0]);
        assertEquals(4 * 0.25 / 1e6 + 6 * 2.00 / 1e6, cost.path("total").asDouble(), 1e-12);
    }

    @Test
    void aProviderRetryResetsTheSegmentAndTheSecondAttemptStreamsCleanly() throws Exception {
        // The first attempt is a 500 before anything streams, the second breaks off mid-answer, the third succeeds.
        SimulatorResource.simulator().scriptFailures("""
                {"contains":"flaky stream","responses":[{"status":500},{"status":500,"cutAfterChunks":5}]}""");
        TestPlatform.Prompt prompt = prompt("""
                {"provider":"anthropic","model":"claude-haiku-4-5","messages":[{"role":"user","content":"{{text}}"}]}""");
        UUID run = run(prompt, "a flaky stream of words");

        List<JsonNode> frames = framesOf(run, 1);

        assertEquals("completed", TestPlatform.status(run));
        List<Integer> resets = new ArrayList<>();
        for (int i = 0; i < frames.size(); i++) {
            if ("reset".equals(kind(frames.get(i)))) {
                resets.add(i);
                assertEquals(0, frames.get(i).path("segment").asInt(), "a retry restarts the segment it retries");
                assertEquals(0, frames.get(i).path("seq").asLong());
            }
        }
        assertEquals(3, resets.size(), "one reset per attempt: " + frames);
        assertEquals(1, resets.get(1) - resets.get(0), "the 500 streamed nothing");
        assertTrue(resets.get(2) - resets.get(1) > 1, "the cut attempt streamed before it broke off: " + frames);
        List<JsonNode> lastAttempt = frames.subList(resets.get(2), frames.size() - 1);
        assertSequence(lastAttempt, 0);
        assertEquals("[simulated claude-haiku-4-5] a flaky stream of words", text(lastAttempt.subList(1, lastAttempt.size())));
        assertEquals("done", kind(frames.get(frames.size() - 1)));
    }

    @Test
    void toolCallsAndTheEmitToolStreamTheirFramesBetweenTheTurns() {
        TestPlatform.Prompt prompt = prompt("""
                {"provider":"gemini","model":"gemini-2.5-flash","messages":[{"role":"user","content":"{{text}}"}],
                 "tools":[{"type":"emit","name":"card","paramsSchema":"{\\"type\\":\\"object\\"}"}]}""");
        UUID run = run(prompt, "Show it @tool card {\"title\": \"Paris\"}");

        List<JsonNode> frames = framesOf(run, 1);

        assertEquals("completed", TestPlatform.status(run));
        assertEquals(List.of("reset", "tool_start", "data", "tool_end", "reset"),
                frames.subList(0, 5).stream().map(StreamFramesTest::kind).toList(), frames.toString());
        JsonNode start = frames.get(1);
        JsonNode data = frames.get(2);
        JsonNode end = frames.get(3);
        assertEquals(0, start.path("segment").asInt());
        assertEquals(1, start.path("seq").asLong());
        assertEquals("card", start.path("tool").asText());
        assertEquals(2, data.path("seq").asLong());
        assertEquals(json("{\"title\":\"Paris\"}"), data.path("payload"));
        assertEquals(start.path("ref").asText(), end.path("ref").asText());
        assertFalse(end.path("ref").asText().isEmpty());
        assertEquals("ok", end.path("status").asText());
        // The second model call is the next segment.
        List<JsonNode> second = frames.subList(4, frames.size() - 1);
        assertEquals(1, second.get(0).path("segment").asInt());
        assertSequence(second, 1);
        String stored = (String) TestPlatform.query("SELECT output FROM gateway.runs_with_state WHERE id = ?", run).get(0)[0];
        assertEquals(stored, text(second.subList(1, second.size())));
        assertEquals("done", kind(frames.get(frames.size() - 1)));
    }

    @Test
    void aFailedRunEndsWithAFailureFrameCarryingItsError() throws Exception {
        SimulatorResource.simulator().scriptFailures("""
                {"contains":"refused stream","responses":[{"status":400,"message":"the prompt is not acceptable"}]}""");
        TestPlatform.Prompt prompt = prompt("""
                {"provider":"openai","model":"gpt-5-mini","messages":[{"role":"user","content":"{{text}}"}]}""");
        UUID run = run(prompt, "a refused stream");

        List<JsonNode> frames = framesOf(run, 1);

        assertEquals("failed", TestPlatform.status(run));
        assertEquals(List.of("reset", "failure"), frames.stream().map(StreamFramesTest::kind).toList());
        JsonNode failure = frames.get(1);
        assertEquals("run_failed", failure.path("code").asText());
        assertEquals(TestPlatform.query("SELECT error FROM gateway.runs_with_state WHERE id = ?", run).get(0)[0],
                failure.path("message").asText());
        assertEquals("openai returned 400: the prompt is not acceptable", failure.path("message").asText());
    }

    @Test
    void aRunWhoseRevisionCannotBeReadEndsItsStreamWithAFailureFrame() {
        TestPlatform.Prompt prompt = prompt("""
                {"provider":"openai","model":"gpt-5-mini","messages":42}""");
        UUID run = run(prompt, "never runs");

        List<JsonNode> frames = framesOf(run, 1);

        assertEquals("failed", TestPlatform.status(run));
        assertEquals(List.of("failure"), frames.stream().map(StreamFramesTest::kind).toList());
        assertEquals("default", frames.get(0).path("channel").asText());
        assertEquals("run_failed", frames.get(0).path("code").asText());
        assertEquals(TestPlatform.query("SELECT error FROM gateway.runs_with_state WHERE id = ?", run).get(0)[0],
                frames.get(0).path("message").asText());
    }

    @Test
    void aRunOutOfClaimsEndedByTheSweeperEndsItsStreamWithAFailureFrame() {
        TestPlatform.Prompt prompt = prompt("""
                {"provider":"openai","model":"gpt-5-mini","messages":[{"role":"user","content":"{{text}}"}]}""");
        UUID run = TestPlatform.storeRun(prompt, Priority.ONSITE, "kills its worker");
        outOfClaims(run);

        sweeper.sweep().await().atMost(PATIENCE);
        List<JsonNode> frames = framesOf(run, 1);

        assertEquals("failed", TestPlatform.status(run));
        assertEquals(List.of("failure"), frames.stream().map(StreamFramesTest::kind).toList());
        JsonNode failure = frames.get(0);
        assertEquals("default", failure.path("channel").asText());
        assertEquals("run_failed", failure.path("code").asText());
        String error = (String) TestPlatform.query("SELECT error FROM gateway.runs_with_state WHERE id = ?", run).get(0)[0];
        assertTrue(error.startsWith("abandoned after " + config.maxClaims() + " claims"), error);
        assertEquals(error, failure.path("message").asText());
    }

    @Test
    void aWorkflowRunOutOfClaimsEndsEveryChannelItsPromptNodesStreamOn() {
        TestPlatform.Prompt prompt = prompt("""
                {"provider":"openai","model":"gpt-5-mini","messages":[{"role":"user","content":"{{text}}"}]}""");
        UUID run = storeWorkflowRun(prompt, TWO_LANES, "two lanes");
        outOfClaims(run);

        sweeper.sweep().await().atMost(PATIENCE);
        List<JsonNode> frames = framesOf(run, 2);

        assertEquals("failed", TestPlatform.status(run));
        assertEquals(Set.of("left", "right"), frames.stream().map(frame -> frame.path("channel").asText())
                .collect(Collectors.toSet()));
        assertTrue(frames.stream().allMatch(frame -> "failure".equals(kind(frame))), frames.toString());
    }

    @Test
    void aWorkflowRunStreamsEachPromptNodeOnItsChannel() {
        TestPlatform.Prompt prompt = prompt("""
                {"provider":"openai","model":"gpt-5-mini","messages":[{"role":"user","content":"{{text}}"}]}""");
        UUID run = storeWorkflowRun(prompt, TWO_LANES, "two lanes");
        try (TestPlatform platform = new TestPlatform()) {
            platform.publish(new TestPlatform.Prompt(prompt.tenantId(), revisionOf(run)), run, Priority.ONSITE);
        }

        List<JsonNode> frames = framesOf(run, 2);

        assertEquals("completed", TestPlatform.status(run));
        Map<String, List<JsonNode>> byChannel = frames.stream()
                .collect(Collectors.groupingBy(frame -> frame.path("channel").asText()));
        assertEquals(Set.of("left", "right"), byChannel.keySet());
        for (List<JsonNode> lane : byChannel.values()) {
            assertEquals("reset", kind(lane.get(0)));
            assertEquals("done", kind(lane.get(lane.size() - 1)));
            assertSequence(lane.subList(0, lane.size() - 1), 0);
            assertEquals("[simulated gpt-5-mini] two lanes", text(lane.subList(1, lane.size() - 1)));
        }
    }

    /** Contiguous seq from 0 within one segment: what the SDK's buffer needs to show the text without a gap. */
    private static void assertSequence(List<JsonNode> segment, int number) {
        for (int i = 0; i < segment.size(); i++) {
            assertEquals(number, segment.get(i).path("segment").asInt(), segment.toString());
            if (!"tool_end".equals(kind(segment.get(i)))) {
                assertEquals(i, segment.get(i).path("seq").asLong(), "seq of " + segment);
            }
        }
    }

    private static String kind(JsonNode frame) {
        return frame.path("kind").asText();
    }

    private static String text(List<JsonNode> tokens) {
        return tokens.stream().filter(frame -> "token".equals(kind(frame))).map(frame -> frame.path("text").asText())
                .collect(Collectors.joining());
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The run's frames in partition order, up to its {@code ends} terminal frames (one per channel that streamed). */
    private List<JsonNode> framesOf(UUID run, int ends) {
        List<JsonNode> found = new ArrayList<>();
        Instant deadline = Instant.now().plus(PATIENCE);
        int ended = 0;
        while (ended < ends) {
            assertTrue(Instant.now().isBefore(deadline), "the run's stream did not end: " + found);
            for (ConsumerRecord<String, String> record : frames.poll(Duration.ofMillis(200))) {
                JsonNode frame = json(record.value());
                if (run.toString().equals(frame.path("runId").asText())) {
                    found.add(frame);
                    if ("done".equals(kind(frame)) || "failure".equals(kind(frame))) {
                        ended++;
                    }
                }
            }
        }
        return found;
    }

    /** A tenant with a published prompt ({@code pr_stream}, version 1) of this configuration. */
    private static TestPlatform.Prompt prompt(String config) {
        UUID tenant = UUID.randomUUID();
        UUID definition = UUID.randomUUID();
        UUID revision = UUID.randomUUID();
        TestPlatform.update("INSERT INTO gateway.tenants (id, name) VALUES (?, ?)", tenant, "stream test " + tenant);
        TestPlatform.update("INSERT INTO gateway.definitions (id, tenant_id, name, slug, draft, kind)"
                + " VALUES (?, ?, 'Stream', 'pr_stream', '{}'::jsonb, 'prompt')", definition, tenant);
        TestPlatform.update("INSERT INTO gateway.revisions (id, tenant_id, definition_id, version, config)"
                + " VALUES (?, ?, ?, 1, ?::jsonb)", revision, tenant, definition, config);
        return new TestPlatform.Prompt(tenant, revision);
    }

    private static UUID run(TestPlatform.Prompt prompt, String text) {
        try (TestPlatform platform = new TestPlatform()) {
            return platform.requestRun(prompt, Priority.ONSITE, text);
        }
    }

    /** A published workflow of the prompt's tenant, and a pending run of it with {@code text} as its input. */
    private static UUID storeWorkflowRun(TestPlatform.Prompt prompt, String graph, String text) {
        UUID definition = UUID.randomUUID();
        UUID revision = UUID.randomUUID();
        UUID run = UUID.randomUUID();
        TestPlatform.update("INSERT INTO gateway.definitions (id, tenant_id, name, slug, draft, kind)"
                + " VALUES (?, ?, 'Lanes', 'wf_lanes', '{}'::jsonb, 'workflow')", definition, prompt.tenantId());
        TestPlatform.update("INSERT INTO gateway.revisions (id, tenant_id, definition_id, version, config)"
                + " VALUES (?, ?, ?, 1, ?::jsonb)", revision, prompt.tenantId(), definition, graph);
        UUID thread = TestPlatform.thread(prompt);
        TestPlatform.update(PendingRuns.insert("VALUES (?, ?, 'workflow', ?, 'default', 'onsite', 'production',"
                + " ?, 1, jsonb_build_object('text', ?::text))"), run, prompt.tenantId(), thread, revision, text);
        return run;
    }

    private static UUID revisionOf(UUID run) {
        return (UUID) TestPlatform.query("SELECT revision_id FROM gateway.runs WHERE id = ?", run).get(0)[0];
    }

    /** Claimed max-claims times by workers that died with it, the last lease expired: the sweeper's to end. */
    private void outOfClaims(UUID run) {
        TestPlatform.update("INSERT INTO executor.run_states (run_id, lease_owner, attempts, started_at, lease_expires_at)"
                + " VALUES (?, 'dead-worker', ?, now() - interval '2 minutes', now() - interval '1 minute')",
                run, config.maxClaims());
    }
}
