package dev.promptjuggler.simulator.gemini;

import dev.promptjuggler.simulator.shared.Answering;
import dev.promptjuggler.simulator.shared.LatencySimulator;
import dev.promptjuggler.simulator.shared.ProviderRequestException;
import dev.promptjuggler.simulator.shared.SimulatedTurn;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.OptionalLong;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestQuery;

/**
 * Simulated Gemini endpoint, {@code POST /v1beta/models/{model}:generateContent}. Non-streaming only. The key comes
 * in {@code x-goog-api-key} or the {@code key} query parameter.
 */
@Path("/v1beta/models/{target}")
public class GenerateContentResource {

    static final String METHOD = ":generateContent";

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

    /** {@code target} is {@code <model>:<method>}; only generateContent is simulated. */
    @POST
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<Response> generate(@PathParam("target") String target, @RestHeader("x-goog-api-key") String headerKey,
            @RestQuery("key") String queryKey, @RestHeader(LatencySimulator.OVERRIDE_HEADER) String latencyOverride,
            byte[] body) {
        if (!target.endsWith(METHOD) || target.length() == METHOD.length()) {
            return Uni.createFrom().item(GeminiError.response(404, "Method not found: " + target, null));
        }
        String apiKey = headerKey != null && !headerKey.isBlank() ? headerKey : queryKey;
        if (apiKey == null || apiKey.isBlank()) {
            return Uni.createFrom().item(GeminiError.response(403, "Method doesn't allow unregistered callers"
                    + " (callers without established identity). Please use API Key or other form of API consumer"
                    + " identity to call this API.", null));
        }
        OptionalLong override;
        SimulatedTurn turn;
        try {
            override = latency.parseOverride(latencyOverride);
            turn = reader.read(target.substring(0, target.length() - METHOD.length()), body);
        } catch (LatencySimulator.InvalidLatencyOverrideException | ProviderRequestException e) {
            return Uni.createFrom().item(GeminiError.response(400, e.getMessage(), null));
        }
        return answering.answer("gemini", apiKey, override, turn,
                failure -> GeminiError.response(failure.status(), failure.messageOrDefault(), failure.retryAfter()),
                reply -> simulator.answer(turn, reply, body));
    }
}
