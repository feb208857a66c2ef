package dev.promptjuggler.simulator.shared;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.promptjuggler.simulator.SimulatorConfig;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;
import org.jboss.resteasy.reactive.RestMulti;

/**
 * What every provider format does with a valid, authenticated request: a scripted failure if one matches (at
 * once, with its Retry-After), otherwise the deterministic reply after the simulated latency, counted once sent.
 * A streamed reply is sent as server-sent events, chunk by chunk: the latency before the first, the chunk delay
 * ({@code simulator.stream.chunk-delay-ms}) between the others.
 *
 * <p>Every answer, streamed or not, is a {@link RestMulti} of bytes, so one resource method can answer either way
 * with the status and headers it chooses: a whole JSON body is one chunk. RESTEasy Reactive ends each chunk of a
 * JSON-producing method with a newline: a whole body gets a trailing newline, a stream an empty line after each
 * event, which server-sent event readers skip.
 */
@ApplicationScoped
public class Answering {

    /** Request header that replaces {@code simulator.stream.chunk-delay-ms} for one request, in milliseconds. */
    public static final String CHUNK_DELAY_HEADER = "X-Simulator-Chunk-Delay-Ms";

    /**
     * Replaced, in a streamed event, by the time it is sent (microseconds since the epoch): a benchmark echoes it in
     * its prompt and measures, on the same machine's clock, how long each piece of text takes to reach a subscriber.
     */
    public static final String SENT_AT_MARKER = "%sent-at%";

    private final LatencySimulator latency;
    private final CallCounter calls;
    private final ScriptedFailures failures;
    private final ScriptedHolds holds;
    private final ObjectMapper json;
    private final SimulatorConfig config;

    public Answering(LatencySimulator latency, CallCounter calls, ScriptedFailures failures, ScriptedHolds holds,
            ObjectMapper json, SimulatorConfig config) {
        this.latency = latency;
        this.holds = holds;
        this.calls = calls;
        this.failures = failures;
        this.json = json;
        this.config = config;
    }

    /**
     * @param errorBody the provider's error response for a scripted failure (status and body)
     * @param answer    the provider's answer body for the reply
     */
    public RestMulti<byte[]> answer(String provider, String apiKey, OptionalLong latencyOverride, SimulatedTurn turn,
            Function<ScriptedFailures.Failure, Response> errorBody, Function<SimulatedReply, Object> answer) {
        Optional<ScriptedFailures.Failure> failure = failures.next(turn.lastUserText());
        if (failure.isPresent()) {
            return immediate(error(failure.get(), errorBody));
        }
        byte[] body = bytes(answer.apply(ReplyScript.reply(turn)));
        Optional<Duration> hold = holds.holdFor(turn.lastUserText());
        Multi<byte[]> sent = latency.delayed(body, hold.orElseGet(() -> latency.delayFor(latencyOverride)))
                .onItem().invoke(() -> calls.record(provider, turn.model(), apiKey))
                .toMulti();
        if (hold.isPresent()) {
            sent = held(sent);
        }
        return RestMulti.fromMultiData(sent).status(200).header(HttpHeaders.CONTENT_TYPE, MediaType.APPLICATION_JSON)
                .encodeAsJsonArray(false).build();
    }

    /**
     * A streamed answer: {@code events} are the reply's server-sent events, each already framed. A scripted failure
     * with {@code cutAfterChunks} sends that many events and then breaks the connection off; any other is answered
     * as without streaming.
     *
     * @param chunkDelayOverride the {@value #CHUNK_DELAY_HEADER} header, parsed as {@link LatencySimulator} parses
     *                           its own
     */
    public RestMulti<byte[]> stream(String provider, String apiKey, OptionalLong latencyOverride,
            OptionalLong chunkDelayOverride, SimulatedTurn turn, Function<ScriptedFailures.Failure, Response> errorBody,
            Function<SimulatedReply, List<String>> events) {
        Duration chunkDelay = Duration.ofMillis(chunkDelayOverride.orElse(config.stream().chunkDelayMs()));
        Optional<ScriptedFailures.Failure> failure = failures.next(turn.lastUserText());
        if (failure.isPresent() && failure.get().cutAfterChunks() == null) {
            return immediate(error(failure.get(), errorBody));
        }
        List<String> all = events.apply(ReplyScript.reply(turn));
        List<String> sent = failure.map(cut -> all.subList(0, Math.min(cut.cutAfterChunks(), all.size()))).orElse(all);
        Optional<Duration> hold = holds.holdFor(turn.lastUserText());
        Duration first = hold.orElseGet(() -> latency.delayFor(latencyOverride));
        Multi<byte[]> chunks = Multi.createFrom().range(0, sent.size())
                .onItem().call(index -> pause(index == 0 ? first : chunkDelay))
                .onItem().invoke(index -> {
                    if (index == 0) {
                        calls.record(provider, turn.model(), apiKey);
                    }
                })
                .map(index -> stamped(sent.get(index)).getBytes(StandardCharsets.UTF_8));
        if (hold.isPresent()) {
            chunks = held(chunks);
        }
        if (failure.isPresent()) {
            // After the last chunk sent, the connection breaks: the client sees a stream that never ended.
            chunks = Multi.createBy().concatenating().streams(chunks,
                    Multi.createFrom().failure(new IOException("stream cut by a scripted failure")));
        }
        return RestMulti.fromMultiData(chunks).status(200).header(HttpHeaders.CONTENT_TYPE, "text/event-stream")
                .header("Cache-Control", "no-cache").encodeAsJsonArray(false).build();
    }

    /**
     * A held answer: counted as held until it ends; the server cancels it when the client closes the connection
     * first, which is what a test of an aborted request looks for.
     */
    private Multi<byte[]> held(Multi<byte[]> answer) {
        return answer.onSubscription().invoke(holds::holding)
                .onTermination().invoke((failure, cancelled) -> holds.released(cancelled));
    }

    /** An answer sent at once: an error, or a request refused before any reply. */
    public RestMulti<byte[]> immediate(Response response) {
        var builder = RestMulti.fromMultiData(Multi.createFrom().item(bytes(response.getEntity())))
                .status(response.getStatus()).encodeAsJsonArray(false)
                .header(HttpHeaders.CONTENT_TYPE, response.getMediaType() == null ? MediaType.APPLICATION_JSON
                        : response.getMediaType().toString());
        response.getStringHeaders().forEach((name, values) -> {
            if (!HttpHeaders.CONTENT_TYPE.equalsIgnoreCase(name)) {
                values.forEach(value -> builder.header(name, value));
            }
        });
        return builder.build();
    }

    private static Response error(ScriptedFailures.Failure failure, Function<ScriptedFailures.Failure, Response> errorBody) {
        Response error = errorBody.apply(failure);
        return failure.retryAfter() == null ? error
                : Response.fromResponse(error).header("Retry-After", failure.retryAfter()).build();
    }

    private static String stamped(String event) {
        if (!event.contains(SENT_AT_MARKER)) {
            return event;
        }
        Instant now = Instant.now();
        return event.replace(SENT_AT_MARKER, String.valueOf(now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000));
    }

    private static Uni<Void> pause(Duration delay) {
        return delay.isZero() ? Uni.createFrom().voidItem() : Uni.createFrom().voidItem().onItem().delayIt().by(delay);
    }

    private byte[] bytes(Object entity) {
        try {
            return entity instanceof byte[] raw ? raw : json.writeValueAsBytes(entity);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("an answer does not serialize", e);
        }
    }
}
