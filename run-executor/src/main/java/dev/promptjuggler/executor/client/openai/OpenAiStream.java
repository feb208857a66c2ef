package dev.promptjuggler.executor.client.openai;

import dev.promptjuggler.executor.client.ProviderException;
import dev.promptjuggler.executor.client.SseParser;
import dev.promptjuggler.executor.llm.TextListener;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.TreeMap;

/**
 * A streamed chat completion ({@code chat.completion.chunk} events, then {@code [DONE]}) put back together as the
 * chat completion the same request answers without streaming, so {@link OpenAiWire#response} reads both alike:
 * content and refusal deltas concatenated, tool calls assembled by index (id and name from their first delta,
 * arguments concatenated), annotations collected, usage from the last chunk ({@code stream_options.include_usage}).
 */
final class OpenAiStream {

    private final TextListener listener;
    private final StringBuilder content = new StringBuilder();
    private final StringBuilder refusal = new StringBuilder();
    private final Map<Integer, JsonObject> toolCalls = new TreeMap<>();
    private final Map<Integer, StringBuilder> arguments = new TreeMap<>();
    private final JsonArray annotations = new JsonArray();
    private boolean hasContent;
    private boolean hasRefusal;
    private JsonObject usage;
    private boolean done;

    OpenAiStream(TextListener listener) {
        this.listener = listener;
    }

    void accept(SseParser.Event event) {
        if ("[DONE]".equals(event.data().trim())) {
            done = true;
            return;
        }
        JsonObject chunk = new JsonObject(event.data());
        if (chunk.getValue("error") instanceof JsonObject error) {
            // An error after the 200: the server gave up mid-answer, which another attempt may not.
            throw new ProviderException(OpenAiClient.PROVIDER, 500, error.getString("message", "error in the stream"), null);
        }
        if (chunk.getValue("usage") instanceof JsonObject chunkUsage) {
            usage = chunkUsage;
        }
        for (Object item : chunk.getJsonArray("choices", new JsonArray())) {
            JsonObject choice = (JsonObject) item;
            if (choice.getInteger("index", 0) == 0) {
                delta(choice.getJsonObject("delta", new JsonObject()));
            }
        }
    }

    private void delta(JsonObject delta) {
        if (delta.getValue("content") instanceof String text && !text.isEmpty()) {
            content.append(text);
            hasContent = true;
            listener.text(text);
        }
        if (delta.getValue("refusal") instanceof String text && !text.isEmpty()) {
            refusal.append(text);
            hasRefusal = true;
        }
        for (Object item : delta.getJsonArray("tool_calls", new JsonArray())) {
            JsonObject call = (JsonObject) item;
            int index = call.getInteger("index", 0);
            JsonObject assembled = toolCalls.computeIfAbsent(index, i -> new JsonObject().put("type", "function")
                    .put("function", new JsonObject()));
            if (call.getString("id") != null) {
                assembled.put("id", call.getString("id"));
            }
            JsonObject function = call.getJsonObject("function", new JsonObject());
            if (function.getString("name") != null) {
                assembled.getJsonObject("function").put("name", function.getString("name"));
            }
            arguments.computeIfAbsent(index, i -> new StringBuilder()).append(function.getString("arguments", ""));
        }
        annotations.addAll(delta.getJsonArray("annotations", new JsonArray()));
    }

    /** The chat completion the chunks make up. */
    JsonObject completion() {
        if (!done) {
            throw new ProviderException(OpenAiClient.PROVIDER, 0, "the stream ended before [DONE]", null);
        }
        JsonArray calls = new JsonArray();
        toolCalls.forEach((index, call) -> {
            call.getJsonObject("function").put("arguments", arguments.get(index).toString());
            calls.add(call);
        });
        JsonObject message = new JsonObject().put("role", "assistant")
                .put("content", hasContent ? content.toString() : null)
                .put("refusal", hasRefusal ? refusal.toString() : null)
                .put("annotations", annotations);
        if (!calls.isEmpty()) {
            message.put("tool_calls", calls);
        }
        JsonObject completion = new JsonObject().put("choices", new JsonArray().add(new JsonObject().put("index", 0)
                .put("message", message)));
        if (usage != null) {
            completion.put("usage", usage);
        }
        return completion;
    }
}
