package dev.promptjuggler.simulator.anthropic;

import dev.promptjuggler.simulator.shared.Answering;
import dev.promptjuggler.simulator.shared.LatencySimulator;
import dev.promptjuggler.simulator.shared.ProviderRequestException;
import dev.promptjuggler.simulator.shared.SimulatedTurn;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.OptionalLong;
import org.jboss.resteasy.reactive.RestHeader;

/** Simulated Anthropic Messages endpoint, {@code POST /v1/messages}. Non-streaming only. */
@Path("/v1/messages")
public class MessagesResource {

    private final MessagesRequestReader reader;
    private final MessagesSimulator simulator;
    private final LatencySimulator latency;
    private final Answering answering;

    public MessagesResource(MessagesRequestReader reader, MessagesSimulator simulator, LatencySimulator latency,
            Answering answering) {
        this.reader = reader;
        this.simulator = simulator;
        this.latency = latency;
        this.answering = answering;
    }

    /**
     * Order of checks as Anthropic: the key (401), the version header and the body (400), then scripted failures.
     * Any non-empty key is accepted.
     */
    @POST
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<Response> create(@RestHeader("x-api-key") String apiKey,
            @RestHeader("anthropic-version") String version,
            @RestHeader(LatencySimulator.OVERRIDE_HEADER) String latencyOverride, byte[] body) {
        if (apiKey == null || apiKey.isBlank()) {
            return Uni.createFrom().item(AnthropicError.response(401, "x-api-key header is required"));
        }
        OptionalLong override;
        SimulatedTurn turn;
        try {
            if (version == null || version.isBlank()) {
                throw ProviderRequestException.badRequest("anthropic-version: header is required");
            }
            override = latency.parseOverride(latencyOverride);
            turn = reader.read(body);
        } catch (LatencySimulator.InvalidLatencyOverrideException | ProviderRequestException e) {
            return Uni.createFrom().item(AnthropicError.response(400, e.getMessage()));
        }
        return answering.answer("anthropic", apiKey, override, turn,
                failure -> AnthropicError.response(failure.status(), failure.messageOrDefault()),
                reply -> simulator.answer(turn, reply, body));
    }
}
