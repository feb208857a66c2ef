package dev.promptjuggler.simulator.shared;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;

/**
 * What every provider format does with a valid, authenticated request: a scripted failure if one matches (at
 * once, with its Retry-After), otherwise the deterministic reply after the simulated latency, counted once sent.
 */
@ApplicationScoped
public class Answering {

    private final LatencySimulator latency;
    private final CallCounter calls;
    private final ScriptedFailures failures;

    public Answering(LatencySimulator latency, CallCounter calls, ScriptedFailures failures) {
        this.latency = latency;
        this.calls = calls;
        this.failures = failures;
    }

    /**
     * @param errorBody the provider's error response for a scripted failure (status and body)
     * @param answer    the provider's answer body for the reply
     */
    public Uni<Response> answer(String provider, String apiKey, OptionalLong latencyOverride, SimulatedTurn turn,
            Function<ScriptedFailures.Failure, Response> errorBody, Function<SimulatedReply, Object> answer) {
        Optional<ScriptedFailures.Failure> failure = failures.next(turn.lastUserText());
        if (failure.isPresent()) {
            Response error = errorBody.apply(failure.get());
            return Uni.createFrom().item(failure.get().retryAfter() == null ? error
                    : Response.fromResponse(error).header("Retry-After", failure.get().retryAfter()).build());
        }
        Object body = answer.apply(ReplyScript.reply(turn));
        return latency.delayed(body, latency.delayFor(latencyOverride))
                .onItem().invoke(() -> calls.record(provider, turn.model(), apiKey))
                .onItem().transform(sent -> Response.ok(sent, MediaType.APPLICATION_JSON_TYPE).build());
    }
}
