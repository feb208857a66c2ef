package dev.promptjuggler.simulator.openai;

import dev.promptjuggler.simulator.shared.Answering;
import dev.promptjuggler.simulator.shared.LatencySimulator;
import dev.promptjuggler.simulator.shared.ScriptedFailures;
import dev.promptjuggler.simulator.shared.SimulatedTurn;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.OptionalLong;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestMulti;

/**
 * Simulated OpenAI Chat Completions endpoint, {@code POST /v1/chat/completions}; {@code "stream": true} answers
 * with {@code chat.completion.chunk} events and {@code [DONE]} ({@link ChatCompletionStream}).
 *
 * <p>Runs on the event loop: validation and answer building are pure CPU work on a small body, and the
 * simulated latency is a non-blocking timer.
 */
@Path("/v1/chat/completions")
public class ChatCompletionResource {

    static final String MISSING_API_KEY = "You didn't provide an API key. You need to provide your API key in an"
            + " Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY). The provider simulator"
            + " accepts any non-empty key.";

    private final ChatCompletionRequestReader reader;
    private final ChatCompletionSimulator simulator;
    private final ChatCompletionStream stream;
    private final LatencySimulator latency;
    private final Answering answering;

    public ChatCompletionResource(ChatCompletionRequestReader reader, ChatCompletionSimulator simulator,
            ChatCompletionStream stream, LatencySimulator latency, Answering answering) {
        this.reader = reader;
        this.stream = stream;
        this.simulator = simulator;
        this.latency = latency;
        this.answering = answering;
    }

    /**
     * Order of checks as OpenAI: authentication (401), then the request (400), then scripted failures. Errors are
     * immediate; only a successful answer waits for the simulated latency, and is counted once it is sent.
     */
    @POST
    @Produces(MediaType.APPLICATION_JSON)
    public RestMulti<byte[]> create(@RestHeader(HttpHeaders.AUTHORIZATION) String authorization,
            @RestHeader(LatencySimulator.OVERRIDE_HEADER) String latencyOverride,
            @RestHeader(Answering.CHUNK_DELAY_HEADER) String chunkDelayOverride,
            byte[] body) {
        if (!hasBearerToken(authorization)) {
            return answering.immediate(OpenAiError.of(MISSING_API_KEY, OpenAiError.INVALID_REQUEST_ERROR, null,
                    "invalid_api_key").toResponse(401));
        }
        OptionalLong override;
        OptionalLong chunkDelay;
        ChatCompletionRequest request;
        try {
            override = latency.parseOverride(latencyOverride);
            chunkDelay = latency.parseOverride(chunkDelayOverride);
            request = reader.read(body);
        } catch (LatencySimulator.InvalidLatencyOverrideException e) {
            return answering.immediate(OpenAiError.of(e.getMessage(), OpenAiError.INVALID_REQUEST_ERROR, null,
                    "invalid_value").toResponse(400));
        } catch (OpenAiApiException e) {
            return answering.immediate(e.toResponse());
        }
        SimulatedTurn turn = simulator.turn(request);
        Instant now = Instant.now();
        if (Boolean.TRUE.equals(request.stream())) {
            return answering.stream("openai", bearerToken(authorization), override, chunkDelay, turn,
                    ChatCompletionResource::scripted,
                    reply -> stream.events(simulator.answer(turn, reply, body, now), request.includeUsage()));
        }
        return answering.answer("openai", bearerToken(authorization), override, turn, ChatCompletionResource::scripted,
                reply -> simulator.answer(turn, reply, body, now));
    }

    /** OpenAI's shapes: 429 {@code rate_limit_exceeded}, 5xx {@code server_error}, others invalid requests. */
    private static Response scripted(ScriptedFailures.Failure failure) {
        String type = failure.status() == 429 ? "requests" : failure.status() >= 500 ? OpenAiError.SERVER_ERROR
                : OpenAiError.INVALID_REQUEST_ERROR;
        String code = failure.status() == 429 ? "rate_limit_exceeded" : null;
        return OpenAiError.of(failure.messageOrDefault(), type, null, code).toResponse(failure.status());
    }

    private static String bearerToken(String authorization) {
        return authorization.trim().substring("Bearer".length()).trim();
    }

    /** {@code Authorization: Bearer <non-empty>}; the scheme is case-insensitive, any key is accepted. */
    static boolean hasBearerToken(String authorization) {
        if (authorization == null) {
            return false;
        }
        String value = authorization.trim();
        return value.length() > 7 && value.regionMatches(true, 0, "Bearer ", 0, 7) && !value.substring(7).isBlank();
    }
}
