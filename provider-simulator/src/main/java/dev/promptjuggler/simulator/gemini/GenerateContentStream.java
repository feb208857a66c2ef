package dev.promptjuggler.simulator.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptjuggler.simulator.shared.StreamChunks;
import java.util.ArrayList;
import java.util.List;

/**
 * An answer as {@code streamGenerateContent?alt=sse} streams it: each event a GenerateContentResponse with the next
 * part (text a word at a time, a function call whole) and the usage so far (the prompt's count); the last carries the
 * finishReason, the grounding metadata and the whole usage. Events end with CRLF, as Gemini's do. Joined back, the
 * parts are exactly those of the answer the request gets without streaming.
 */
final class GenerateContentStream {

    private GenerateContentStream() {
    }

    static List<String> events(ObjectNode answer) {
        JsonNode candidate = answer.path("candidates").path(0);
        List<ObjectNode> parts = new ArrayList<>();
        for (JsonNode part : candidate.path("content").path("parts")) {
            if (part.has("text")) {
                for (String piece : StreamChunks.pieces(part.path("text").asText())) {
                    ObjectNode textPart = part.deepCopy();
                    textPart.put("text", piece);
                    parts.add(textPart);
                }
            } else {
                parts.add(part.deepCopy());
            }
        }
        List<String> events = new ArrayList<>();
        for (int i = 0; i < Math.max(1, parts.size()); i++) {
            boolean last = i >= parts.size() - 1;
            ObjectNode chunk = answer.objectNode();
            ObjectNode chunkCandidate = chunk.putArray("candidates").addObject();
            ObjectNode content = chunkCandidate.putObject("content");
            var chunkParts = content.putArray("parts");
            if (i < parts.size()) {
                chunkParts.add(parts.get(i));
            }
            content.put("role", "model");
            if (last) {
                chunkCandidate.put("finishReason", candidate.path("finishReason").asText("STOP"));
                if (candidate.has("groundingMetadata")) {
                    chunkCandidate.set("groundingMetadata", candidate.path("groundingMetadata"));
                }
            }
            chunkCandidate.put("index", 0);
            if (last) {
                chunk.set("usageMetadata", answer.path("usageMetadata"));
            } else {
                int prompt = answer.path("usageMetadata").path("promptTokenCount").asInt();
                chunk.putObject("usageMetadata").put("promptTokenCount", prompt).put("totalTokenCount", prompt);
            }
            chunk.set("modelVersion", answer.path("modelVersion"));
            chunk.set("responseId", answer.path("responseId"));
            events.add(StreamChunks.event(null, chunk.toString(), "\r\n"));
        }
        return events;
    }
}
