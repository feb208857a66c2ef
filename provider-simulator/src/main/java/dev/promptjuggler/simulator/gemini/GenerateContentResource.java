package dev.promptjuggler.simulator.gemini;

import dev.promptjuggler.simulator.shared.Answering;
import dev.promptjuggler.simulator.shared.LatencySimulator;
import dev.promptjuggler.simulator.shared.ProviderRequestException;
import dev.promptjuggler.simulator.shared.SimulatedTurn;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.OptionalLong;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestMulti;
import org.jboss.resteasy.reactive.RestQuery;

/**
 * Simulated Gemini endpoint, {@code POST /v1beta/models/{model}:generateContent}, and
 * {@code :streamGenerateContent?alt=sse} for a streamed answer ({@link GenerateContentStream}). The key comes in
 * {@code x-goog-api-key} or the {@code key} query parameter.
 */
@Path("/v1beta/models/{target}")
public class GenerateContentResource {

    static final String METHOD = ":generateContent";
    static final String STREAM_METHOD = ":streamGenerateContent";

    private final GenerateContentRequestReader reader;
    private final GenerateContentSimulator simulator;
    private final LatencySimulator latency;
    private final Answering answering;

    public GenerateContentResource(GenerateContentRequestReader reader, GenerateContentSimulator simulator,
            LatencySimulator latency, Answering answering) {
        this.reader = reader;
        this.simulator = simulator;
        this.latency = latency;
        this.answering = answering;
    }

    /**
     * {@code target} is {@code <model>:<method>}; generateContent and streamGenerateContent are simulated, the latter
     * with {@code alt=sse} only (without it Gemini streams a JSON array, which nothing here reads).
     */
    @POST
    @Produces(MediaType.APPLICATION_JSON)
    public RestMulti<byte[]> generate(@PathParam("target") String target,
            @RestHeader("x-goog-api-key") String headerKey, @RestQuery("key") String queryKey,
            @RestQuery("alt") String alt, @RestHeader(LatencySimulator.OVERRIDE_HEADER) String latencyOverride,
            @RestHeader(Answering.CHUNK_DELAY_HEADER) String chunkDelayOverride, byte[] body) {
        boolean streams = target.endsWith(STREAM_METHOD) && target.length() > STREAM_METHOD.length();
        if (!streams && (!target.endsWith(METHOD) || target.length() == METHOD.length())) {
            return answering.immediate(GeminiError.response(404, "Method not found: " + target, null));
        }
        if (streams && !"sse".equals(alt)) {
            return answering.immediate(GeminiError.response(400, "alt: the simulator streams with alt=sse only", null));
        }
        String apiKey = headerKey != null && !headerKey.isBlank() ? headerKey : queryKey;
        if (apiKey == null || apiKey.isBlank()) {
            return answering.immediate(GeminiError.response(403, "Method doesn't allow unregistered callers"
                    + " (callers without established identity). Please use API Key or other form of API consumer"
                    + " identity to call this API.", null));
        }
        OptionalLong override;
        OptionalLong chunkDelay;
        SimulatedTurn turn;
        try {
            override = latency.parseOverride(latencyOverride);
            chunkDelay = latency.parseOverride(chunkDelayOverride);
            turn = reader.read(target.substring(0, target.length() - (streams ? STREAM_METHOD : METHOD).length()), body);
        } catch (LatencySimulator.InvalidLatencyOverrideException | ProviderRequestException e) {
            return answering.immediate(GeminiError.response(400, e.getMessage(), null));
        }
        if (streams) {
            return answering.stream("gemini", apiKey, override, chunkDelay, turn,
                    failure -> GeminiError.response(failure.status(), failure.messageOrDefault(), failure.retryAfter()),
                    reply -> GenerateContentStream.events(simulator.answer(turn, reply, body)));
        }
        return answering.answer("gemini", apiKey, override, turn,
                failure -> GeminiError.response(failure.status(), failure.messageOrDefault(), failure.retryAfter()),
                reply -> simulator.answer(turn, reply, body));
    }
}
