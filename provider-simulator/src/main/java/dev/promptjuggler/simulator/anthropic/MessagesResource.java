package dev.promptjuggler.simulator.anthropic;

import dev.promptjuggler.simulator.shared.Answering;
import dev.promptjuggler.simulator.shared.LatencySimulator;
import dev.promptjuggler.simulator.shared.ProviderRequestException;
import dev.promptjuggler.simulator.shared.SimulatedTurn;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.OptionalLong;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestMulti;

/**
 * Simulated Anthropic Messages endpoint, {@code POST /v1/messages}; {@code "stream": true} answers with the Messages
 * API's events ({@link MessagesStream}).
 */
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
    public RestMulti<byte[]> create(@RestHeader("x-api-key") String apiKey,
            @RestHeader("anthropic-version") String version,
            @RestHeader(LatencySimulator.OVERRIDE_HEADER) String latencyOverride,
            @RestHeader(Answering.CHUNK_DELAY_HEADER) String chunkDelayOverride, byte[] body) {
        if (apiKey == null || apiKey.isBlank()) {
            return answering.immediate(AnthropicError.response(401, "x-api-key header is required"));
        }
        OptionalLong override;
        OptionalLong chunkDelay;
        SimulatedTurn turn;
        try {
            if (version == null || version.isBlank()) {
                throw ProviderRequestException.badRequest("anthropic-version: header is required");
            }
            override = latency.parseOverride(latencyOverride);
            chunkDelay = latency.parseOverride(chunkDelayOverride);
            turn = reader.read(body);
        } catch (LatencySimulator.InvalidLatencyOverrideException | ProviderRequestException e) {
            return answering.immediate(AnthropicError.response(400, e.getMessage()));
        }
        if (MessagesRequestReader.streams(body)) {
            return answering.stream("anthropic", apiKey, override, chunkDelay, turn,
                    failure -> AnthropicError.response(failure.status(), failure.messageOrDefault()),
                    reply -> MessagesStream.events(simulator.answer(turn, reply, body)));
        }
        return answering.answer("anthropic", apiKey, override, turn,
                failure -> AnthropicError.response(failure.status(), failure.messageOrDefault()),
                reply -> simulator.answer(turn, reply, body));
    }
}
