package dev.promptjuggler.simulator.gemini;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptjuggler.simulator.shared.SimulatedReply;
import dev.promptjuggler.simulator.shared.SimulatedText;
import dev.promptjuggler.simulator.shared.SimulatedTurn;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Writes the simulated reply as a {@code GenerateContentResponse}: text parts, {@code functionCall} parts (the
 * first with a {@code thoughtSignature}, as Gemini 3 sends), {@code groundingMetadata} for a web search, and
 * {@code usageMetadata}. {@code responseId} is hex of a SHA-256 of the raw request body.
 */
@ApplicationScoped
public class GenerateContentSimulator {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    public ObjectNode answer(SimulatedTurn turn, SimulatedReply reply, byte[] rawBody) {
        String hex = SimulatedText.hexDigest(rawBody, 24);
        ObjectNode answer = NODES.objectNode();
        ObjectNode candidate = answer.putArray("candidates").addObject();
        ObjectNode content = candidate.putObject("content");
        ArrayNode parts = content.putArray("parts");
        if (reply.text() != null) {
            parts.addObject().put("text", reply.text());
        }
        reply.toolCalls().forEach(call -> {
            ObjectNode part = parts.addObject();
            part.putObject("functionCall").put("name", call.name()).set("args", call.arguments());
            if (call.index() == 0) {
                part.put("thoughtSignature", Base64.getEncoder().encodeToString(("sim-" + hex).getBytes(StandardCharsets.UTF_8)));
            }
        });
        content.put("role", "model");
        candidate.put("finishReason", "STOP").put("index", 0);
        SimulatedReply.Search search = reply.search();
        if (search != null) {
            ObjectNode grounding = candidate.putObject("groundingMetadata");
            grounding.putArray("webSearchQueries").add(search.query());
            grounding.putArray("groundingChunks").addObject().putObject("web").put("uri", search.url())
                    .put("title", search.title());
            grounding.putObject("searchEntryPoint").put("renderedContent", "<div>simulated</div>");
        }
        ObjectNode usage = answer.putObject("usageMetadata").put("promptTokenCount", turn.promptWords())
                .put("candidatesTokenCount", reply.completionWords())
                .put("totalTokenCount", turn.promptWords() + reply.completionWords());
        usage.putArray("promptTokensDetails").addObject().put("modality", "TEXT").put("tokenCount", turn.promptWords());
        answer.put("modelVersion", turn.model()).put("responseId", hex);
        return answer;
    }
}
