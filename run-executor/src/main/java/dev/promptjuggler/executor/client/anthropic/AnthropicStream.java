package dev.promptjuggler.executor.client.anthropic;

import dev.promptjuggler.executor.client.ProviderException;
import dev.promptjuggler.executor.client.SseParser;
import dev.promptjuggler.executor.llm.TextListener;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.TreeMap;

/**
 * A streamed message ({@code message_start}, {@code content_block_start} / {@code _delta} / {@code _stop} per block,
 * {@code message_delta}, {@code message_stop}) put back together as the message the same request answers without
 * streaming, so {@link AnthropicWire#response} reads both alike: text deltas appended to their block, a tool's
 * {@code input_json_delta} pieces parsed as its input once the block stops, usage from {@code message_start} updated
 * by {@code message_delta} (its counts are cumulative).
 */
final class AnthropicStream {

    private final TextListener listener;
    private final Map<Integer, JsonObject> blocks = new TreeMap<>();
    private final Map<Integer, StringBuilder> partialJson = new TreeMap<>();
    private JsonObject message;
    private boolean stopped;

    AnthropicStream(TextListener listener) {
        this.listener = listener;
    }

    void accept(SseParser.Event event) {
        JsonObject data = new JsonObject(event.data());
        switch (data.getString("type", event.event())) {
            case "message_start" -> message = data.getJsonObject("message", new JsonObject()).copy();
            case "content_block_start" -> blocks.put(data.getInteger("index", 0),
                    data.getJsonObject("content_block", new JsonObject()).copy());
            case "content_block_delta" -> delta(data.getInteger("index", 0), data.getJsonObject("delta", new JsonObject()));
            case "content_block_stop" -> stop(data.getInteger("index", 0));
            case "message_delta" -> messageDelta(data);
            case "message_stop" -> stopped = true;
            case "error" -> throw error(data.getJsonObject("error", new JsonObject()));
            default -> {
                // ping, and event types added later
            }
        }
    }

    private void delta(int index, JsonObject delta) {
        JsonObject block = blocks.computeIfAbsent(index, i -> new JsonObject());
        switch (delta.getString("type", "")) {
            case "text_delta" -> {
                String text = delta.getString("text", "");
                block.put("text", block.getString("text", "") + text);
                if (!text.isEmpty()) {
                    listener.text(text);
                }
            }
            case "input_json_delta" -> partialJson.computeIfAbsent(index, i -> new StringBuilder())
                    .append(delta.getString("partial_json", ""));
            default -> {
                // thinking, signature and citation deltas are not part of the answer
            }
        }
    }

    private void stop(int index) {
        StringBuilder json = partialJson.remove(index);
        if (json != null) {
            blocks.computeIfAbsent(index, i -> new JsonObject())
                    .put("input", json.toString().isBlank() ? new JsonObject() : new JsonObject(json.toString()));
        }
    }

    private void messageDelta(JsonObject data) {
        if (message == null) {
            message = new JsonObject();
        }
        JsonObject delta = data.getJsonObject("delta", new JsonObject());
        if (delta.getValue("stop_reason") != null) {
            message.put("stop_reason", delta.getValue("stop_reason"));
        }
        JsonObject usage = message.getJsonObject("usage", new JsonObject());
        data.getJsonObject("usage", new JsonObject()).forEach(entry -> {
            if (entry.getValue() != null) {
                usage.put(entry.getKey(), entry.getValue());
            }
        });
        message.put("usage", usage);
    }

    /** Anthropic's error types as the statuses the same errors have before a stream starts. */
    private static ProviderException error(JsonObject error) {
        int status = switch (error.getString("type", "")) {
            case "overloaded_error" -> 529;
            case "rate_limit_error" -> 429;
            case "invalid_request_error" -> 400;
            default -> 500;
        };
        return new ProviderException(AnthropicClient.PROVIDER, status, error.getString("message", "error in the stream"), null);
    }

    /** The message the events make up. */
    JsonObject message() {
        if (!stopped || message == null) {
            throw new ProviderException(AnthropicClient.PROVIDER, 0, "the stream ended before message_stop", null);
        }
        return message.copy().put("content", new JsonArray(blocks.values().stream().map(Object.class::cast).toList()));
    }
}
