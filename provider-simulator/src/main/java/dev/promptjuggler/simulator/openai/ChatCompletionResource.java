package dev.promptjuggler.simulator.openai;

import dev.promptjuggler.simulator.shared.Answering;
import dev.promptjuggler.simulator.shared.LatencySimulator;
import dev.promptjuggler.simulator.shared.ScriptedFailures;
import dev.promptjuggler.simulator.shared.SimulatedTurn;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.OptionalLong;
import org.jboss.resteasy.reactive.RestHeader;

/**
 * Simulated OpenAI Chat Completions endpoint, {@code POST /v1/chat/completions}. Non-streaming only for now.
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
    private final LatencySimulator latency;
    private final Answering answering;

    public ChatCompletionResource(ChatCompletionRequestReader reader, ChatCompletionSimulator simulator,
            LatencySimulator latency, Answering answering) {
        this.reader = reader;
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
    public Uni<Response> create(@RestHeader(HttpHeaders.AUTHORIZATION) String authorization,
            @RestHeader(LatencySimulator.OVERRIDE_HEADER) String latencyOverride,
            byte[] body) {
        if (!hasBearerToken(authorization)) {
            return Uni.createFrom().item(OpenAiError.of(MISSING_API_KEY, OpenAiError.INVALID_REQUEST_ERROR, null,
                    "invalid_api_key").toResponse(401));
        }
        OptionalLong override;
        ChatCompletionRequest request;
        try {
            override = latency.parseOverride(latencyOverride);
            request = reader.read(body);
        } catch (LatencySimulator.InvalidLatencyOverrideException e) {
            return Uni.createFrom().item(OpenAiError.of(e.getMessage(), OpenAiError.INVALID_REQUEST_ERROR, null,
                    "invalid_value").toResponse(400));
        } catch (OpenAiApiException e) {
            return Uni.createFrom().item(e.toResponse());
        }
        SimulatedTurn turn = simulator.turn(request);
        return answering.answer("openai", bearerToken(authorization), override, turn, ChatCompletionResource::scripted,
                reply -> simulator.answer(turn, reply, body, Instant.now()));
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
