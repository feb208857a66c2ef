package dev.promptjuggler.executor.client.gemini;

import dev.promptjuggler.executor.client.ProviderException;
import dev.promptjuggler.executor.client.SseParser;
import dev.promptjuggler.executor.llm.TextListener;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * A streamed generateContent answer ({@code streamGenerateContent?alt=sse}: each event a partial
 * GenerateContentResponse) put back together as the answer the same request gets without streaming, so
 * {@link GeminiWire#response} reads both alike: the first candidate's parts in arrival order, its finishReason and
 * groundingMetadata, and the usage and prompt feedback of the last chunk that carried them.
 */
final class GeminiStream {

    private final TextListener listener;
    private final JsonArray parts = new JsonArray();
    private boolean hasCandidate;
    private String finishReason;
    private JsonObject grounding;
    private JsonObject usage;
    private JsonObject promptFeedback;

    GeminiStream(TextListener listener) {
        this.listener = listener;
    }

    void accept(SseParser.Event event) {
        JsonObject chunk = new JsonObject(event.data());
        if (chunk.getValue("error") instanceof JsonObject error) {
            throw new ProviderException(GeminiClient.PROVIDER, error.getInteger("code", 500),
                    error.getString("message", "error in the stream"), null);
        }
        if (chunk.getValue("usageMetadata") instanceof JsonObject chunkUsage) {
            usage = chunkUsage;
        }
        if (chunk.getValue("promptFeedback") instanceof JsonObject feedback) {
            promptFeedback = feedback;
        }
        JsonArray candidates = chunk.getJsonArray("candidates");
        if (candidates == null || candidates.isEmpty()) {
            return;
        }
        hasCandidate = true;
        JsonObject candidate = candidates.getJsonObject(0);
        for (Object item : candidate.getJsonObject("content", new JsonObject()).getJsonArray("parts", new JsonArray())) {
            JsonObject part = (JsonObject) item;
            parts.add(part);
            if (part.getValue("text") instanceof String text && !text.isEmpty()
                    && !Boolean.TRUE.equals(part.getValue("thought"))) {
                listener.text(text);
            }
        }
        if (candidate.getString("finishReason") != null) {
            finishReason = candidate.getString("finishReason");
        }
        if (candidate.getValue("groundingMetadata") instanceof JsonObject metadata) {
            grounding = metadata;
        }
    }

    /** The answer the chunks make up. */
    JsonObject answer() {
        if (finishReason == null && promptFeedback == null) {
            throw new ProviderException(GeminiClient.PROVIDER, 0, "the stream ended before a finishReason", null);
        }
        JsonObject answer = new JsonObject();
        if (hasCandidate) {
            JsonObject candidate = new JsonObject()
                    .put("content", new JsonObject().put("role", "model").put("parts", parts));
            if (finishReason != null) {
                candidate.put("finishReason", finishReason);
            }
            if (grounding != null) {
                candidate.put("groundingMetadata", grounding);
            }
            answer.put("candidates", new JsonArray().add(candidate));
        }
        if (usage != null) {
            answer.put("usageMetadata", usage);
        }
        if (promptFeedback != null) {
            answer.put("promptFeedback", promptFeedback);
        }
        return answer;
    }
}
