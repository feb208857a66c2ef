package dev.promptjuggler.gateway.api;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.promptjuggler.contracts.StreamFrame;
import dev.promptjuggler.contracts.Topics;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The thread's server-sent events, fed by frames this test publishes to {@code runs.stream} on the real broker (as
 * run-executor does): order, cursors, resumes without loss or repeat, the replay window, channels, heartbeats.
 */
@QuarkusTest
class ThreadStreamTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    private StreamFrames frames;
    private UUID tenant;
    private String key;
    private UUID thread;
    private final UUID run = UUID.randomUUID();
    private final List<SseClient> clients = new ArrayList<>();

    @BeforeEach
    void tenantAndThread() {
        frames = new StreamFrames(bootstrapServers);
        var created = given().header("X-Bootstrap-Token", Api.BOOTSTRAP_TOKEN).contentType(ContentType.JSON)
                .body(Map.of("tenantName", "stream tests " + UUID.randomUUID()))
                .post("/manage/v1/bootstrap").then().statusCode(201).extract().jsonPath();
        tenant = UUID.fromString(created.getString("tenantId"));
        key = created.getString("apiKey.key");
        thread = UUID.randomUUID();
    }

    @AfterEach
    void close() throws Exception {
        for (SseClient client : clients) {
            client.close();
        }
        frames.close();
    }

    @Test
    void framesArriveInOrderAsTheBrowserSdkReadsThem() throws Exception {
        SseClient stream = open(null, "");
        assertEquals(200, stream.status);
        assertTrue(stream.contentType.startsWith("text/event-stream"), stream.contentType);

        List<String> cursors = new ArrayList<>();
        cursors.add(frames.publish(StreamFrames.reset(tenant, thread, run, "")));
        for (int seq = 1; seq <= 5; seq++) {
            cursors.add(frames.publish(StreamFrames.token(tenant, thread, run, "", seq, "t" + seq)));
        }
        cursors.add(frames.publish(StreamFrames.done(tenant, thread, run, "", 6)));

        List<SseClient.Event> received = stream.next(7);
        assertEquals(List.of("reset", "token", "token", "token", "token", "token", "done"),
                received.stream().map(SseClient.Event::event).toList());
        assertEquals(cursors, received.stream().map(SseClient.Event::id).toList());
        JsonNode first = JSON.readTree(received.get(1).data());
        assertEquals(run.toString(), first.get("runId").asText());
        assertEquals("t1", first.get("text").asText());
        assertEquals(1, first.get("seq").asInt());
        assertEquals(0, first.get("segment").asInt());
        assertEquals("", first.get("channel").asText());
        assertFalse(first.has("tenantId"), "the frame is sent without its tenant");
        assertFalse(first.has("threadId"), "the frame is sent without its thread");
    }

    @Test
    void aFreshSubscriptionStartsAtTheLiveTip() throws Exception {
        // The gateway's live reader has read "before" once a subscriber already there received it: the tip is past it.
        SseClient earlier = open(null, "");
        String before = frames.publish(StreamFrames.token(tenant, thread, run, "", 1, "before"));
        assertEquals(before, earlier.next().id());

        SseClient stream = open(null, "");
        String after = frames.publish(StreamFrames.token(tenant, thread, run, "", 2, "after"));

        SseClient.Event event = stream.next();
        assertEquals(after, event.id());
        assertEquals("after", JSON.readTree(event.data()).get("text").asText());
    }

    @Test
    void lastEventIdResumesRightAfterTheCursorWithNothingLostOrRepeated() throws Exception {
        SseClient first = open(null, "");
        for (int seq = 1; seq <= 3; seq++) {
            frames.publish(StreamFrames.token(tenant, thread, run, "", seq, "t" + seq));
        }
        List<SseClient.Event> seen = first.next(3);
        first.close();
        // Published while no one listens: only the resume can deliver them.
        for (int seq = 4; seq <= 6; seq++) {
            frames.publish(StreamFrames.token(tenant, thread, run, "", seq, "t" + seq));
        }
        frames.publish(new StreamFrame(UUID.randomUUID(), UUID.randomUUID(), run, "token", "", 0, 99, "other thread",
                null, null, null, null, null, null));

        SseClient resumed = open(seen.get(2).id(), "");
        List<SseClient.Event> replayed = resumed.next(3);
        // And the live feed continues after the catch-up.
        frames.publish(StreamFrames.token(tenant, thread, run, "", 7, "t7"));
        replayed.add(resumed.next());

        assertEquals(List.of("t4", "t5", "t6", "t7"), texts(replayed));
        frames.publish(StreamFrames.done(tenant, thread, run, "", 8));
        assertEquals("done", resumed.next().event());
        assertEquals(List.of(), resumed.pending(), "nothing is sent twice");
    }

    @Test
    void aResumeWhileFramesKeepComingHandsOverToTheLiveFeedWithoutLossOrDuplicate() throws Exception {
        SseClient first = open(null, "");
        frames.publish(StreamFrames.token(tenant, thread, run, "", 1, "0"));
        String cursor = first.next().id();
        first.close();
        int count = 60;
        var publisher = new Thread(() -> {
            try {
                for (int seq = 2; seq <= count; seq++) {
                    frames.publish(StreamFrames.token(tenant, thread, run, "", seq, Integer.toString(seq - 1)));
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        publisher.start();
        SseClient resumed = open(cursor, "");
        List<String> received = texts(resumed.next(count - 1));
        publisher.join();

        List<String> expected = new ArrayList<>();
        for (int i = 1; i < count; i++) {
            expected.add(Integer.toString(i));
        }
        assertEquals(expected, received);
    }

    @Test
    void aCursorBeforeTheReplayWindowGetsStaleThenWhatTheWindowStillHolds() throws Exception {
        SseClient first = open(null, "");
        frames.publish(StreamFrames.token(tenant, thread, run, "", 1, "a"));
        String old = first.next().id();
        first.close();
        frames.publish(StreamFrames.token(tenant, thread, run, "", 2, "lost"));
        String kept = frames.publish(StreamFrames.token(tenant, thread, run, "", 3, "b"));
        int partition = Integer.parseInt(kept.split("-")[0]);
        long keptOffset = Long.parseLong(kept.split("-")[1]);
        // What retention does after an hour: the partition now starts at the third frame.
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            admin.deleteRecords(Map.of(new TopicPartition(Topics.RUNS_STREAM, partition),
                    RecordsToDelete.beforeOffset(keptOffset))).all().get();
        }

        SseClient resumed = open(old, "");
        SseClient.Event stale = resumed.next();
        assertEquals("stale", stale.event());
        assertEquals(partition + "-" + (keptOffset - 1), stale.id(), "the client's cursor moves to the window's start");
        SseClient.Event next = resumed.next();
        assertEquals(kept, next.id());
        assertEquals("b", JSON.readTree(next.data()).get("text").asText());
    }

    @Test
    void aCursorThisStreamCannotHaveIssuedGetsStale() throws Exception {
        SseClient resumed = open("not-a-cursor", "");
        assertEquals("stale", resumed.next().event());
    }

    @Test
    void channelParametersFilterTheLanes() throws Exception {
        SseClient support = open(null, "?channel=support&channel=billing");
        frames.publish(StreamFrames.token(tenant, thread, run, "support", 1, "s1"));
        frames.publish(StreamFrames.token(tenant, thread, run, "internal", 1, "i1"));
        frames.publish(StreamFrames.token(tenant, thread, run, "billing", 1, "b1"));
        frames.publish(StreamFrames.token(tenant, thread, run, "", 1, "p1"));
        frames.publish(StreamFrames.token(tenant, thread, run, "support", 2, "s2"));

        assertEquals(List.of("s1", "b1", "s2"), texts(support.next(3)));
        frames.publish(StreamFrames.done(tenant, thread, run, "support", 3));
        assertEquals("done", support.next().event());
    }

    @Test
    void anotherTenantsFramesOnTheSameThreadIdAreNotSent() throws Exception {
        SseClient stream = open(null, "");
        frames.publish(StreamFrames.token(UUID.randomUUID(), thread, run, "", 1, "not yours"));
        frames.publish(StreamFrames.token(tenant, thread, run, "", 1, "yours"));
        assertEquals(List.of("yours"), texts(List.of(stream.next())));
    }

    @Test
    void idleStreamsGetCommentHeartbeats() throws Exception {
        SseClient stream = open(null, "");
        // open() took the comment that opens the stream; this one is a heartbeat (every second in tests).
        assertEquals("ping", stream.nextComment());
        assertEquals(List.of(), stream.pending());
    }

    @Test
    void theMetricsPageCountsTheOpenStreams() throws Exception {
        // Streams of earlier tests end once the server sees their clients gone.
        await().atMost(Duration.ofSeconds(30)).until(() -> openStreams() == 0);
        SseClient first = open(null, "");
        open(null, "?channel=a");
        await().atMost(Duration.ofSeconds(30)).until(() -> openStreams() == 2);
        first.close();
        await().atMost(Duration.ofSeconds(30)).until(() -> openStreams() == 1);
    }

    @Test
    void theMetricsPageTimesTheFramesHandedToStreams() throws Exception {
        SseClient stream = open(null, "");
        String count = "gateway_stream_frame_delay_seconds_count";
        String bucketed = "gateway_stream_frame_delay_seconds_bucket{le=\"+Inf\"";
        double countBefore = metric(count);
        double bucketedBefore = metric(bucketed);
        frames.publish(StreamFrames.reset(tenant, thread, run, ""));
        frames.publish(StreamFrames.token(tenant, thread, run, "", 1, "timed"));
        stream.next(2);
        assertTrue(metric(count) >= countBefore + 2, "each frame handed to an open stream is timed");
        assertTrue(metric(bucketed) >= bucketedBefore + 2, "the delay has buckets to alert on");
    }

    @Test
    void browsersOnAnyOriginMayCallTheStream() {
        given().header("Origin", "https://app.example.com").header("Access-Control-Request-Method", "GET")
                .header("Access-Control-Request-Headers", "authorization,last-event-id")
                .options("/api/v1/threads/{thread}/stream", thread)
                .then().statusCode(204)
                .header("Access-Control-Allow-Origin", "*")
                .header("Access-Control-Allow-Headers", org.hamcrest.Matchers.containsStringIgnoringCase("Last-Event-ID"));
    }

    private SseClient open(String lastEventId, String query) throws Exception {
        var grant = Api.as(key).post("/api/v1/threads/{thread}/stream-token", thread)
                .then().statusCode(200).extract().jsonPath();
        Map<String, String> headers = lastEventId == null
                ? Map.of("Authorization", "Bearer " + grant.getString("token"))
                : Map.of("Authorization", "Bearer " + grant.getString("token"), "Last-Event-ID", lastEventId);
        SseClient client = SseClient.open(URI.create(grant.getString("url") + query), headers);
        clients.add(client);
        assertEquals(200, client.status, client.body);
        // The stream is subscribed once its first bytes arrive.
        assertEquals("ping", client.nextComment());
        return client;
    }

    private static double openStreams() {
        return metric("gateway_stream_subscribers");
    }

    /** The value of the first line of /q/metrics that starts with {@code series}. */
    private static double metric(String series) {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines().filter(line -> line.startsWith(series))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .findFirst().orElseThrow(() -> new AssertionError("no " + series + " on /q/metrics"));
    }

    private static List<String> texts(List<SseClient.Event> events) throws Exception {
        List<String> texts = new ArrayList<>();
        for (SseClient.Event event : events) {
            texts.add(JSON.readTree(event.data()).get("text").asText());
        }
        return texts;
    }
}
