package dev.promptjuggler.simulator.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptjuggler.simulator.shared.StreamChunks;
import java.util.ArrayList;
import java.util.List;

/**
 * A message as Anthropic streams it: {@code message_start} (the message without content, output_tokens 1), a
 * {@code ping}, per content block {@code content_block_start}, its deltas ({@code text_delta} a word at a time; a
 * tool's input as {@code input_json_delta} pieces) and {@code content_block_stop} (a web search result arrives whole
 * in its start), then {@code message_delta} (stop_reason, cumulative usage) and {@code message_stop}. Joined back,
 * the events are exactly the message the request gets without streaming.
 */
final class MessagesStream {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private MessagesStream() {
    }

    static List<String> events(ObjectNode message) {
        List<String> events = new ArrayList<>();
        ObjectNode start = message.deepCopy();
        start.putArray("content");
        start.putNull("stop_reason");
        start.putNull("stop_sequence");
        ObjectNode startUsage = (ObjectNode) start.path("usage");
        startUsage.put("output_tokens", 1);
        startUsage.remove("server_tool_use");
        ObjectNode messageStart = NODES.objectNode().put("type", "message_start");
        messageStart.set("message", start);
        add(events, messageStart);
        add(events, NODES.objectNode().put("type", "ping"));
        int index = 0;
        for (JsonNode block : message.path("content")) {
            String type = block.path("type").asText();
            ObjectNode opening = block.deepCopy();
            List<ObjectNode> deltas = new ArrayList<>();
            switch (type) {
                case "text" -> {
                    opening.put("text", "");
                    opening.remove("citations");
                    StreamChunks.pieces(block.path("text").asText()).forEach(piece ->
                            deltas.add(NODES.objectNode().put("type", "text_delta").put("text", piece)));
                }
                case "tool_use", "server_tool_use" -> {
                    opening.putObject("input");
                    StreamChunks.slices(block.path("input").toString(), 8).forEach(piece ->
                            deltas.add(NODES.objectNode().put("type", "input_json_delta").put("partial_json", piece)));
                }
                default -> {
                    // a web search result is sent whole
                }
            }
            ObjectNode blockStart = NODES.objectNode().put("type", "content_block_start").put("index", index);
            blockStart.set("content_block", opening);
            add(events, blockStart);
            for (ObjectNode delta : deltas) {
                ObjectNode event = NODES.objectNode().put("type", "content_block_delta").put("index", index);
                event.set("delta", delta);
                add(events, event);
            }
            add(events, NODES.objectNode().put("type", "content_block_stop").put("index", index));
            index++;
        }
        ObjectNode messageDelta = NODES.objectNode().put("type", "message_delta");
        messageDelta.putObject("delta").put("stop_reason", message.path("stop_reason").asText())
                .putNull("stop_sequence");
        ObjectNode usage = messageDelta.putObject("usage").put("output_tokens", message.path("usage").path("output_tokens").asLong());
        if (message.path("usage").has("server_tool_use")) {
            usage.set("server_tool_use", message.path("usage").path("server_tool_use"));
        }
        add(events, messageDelta);
        add(events, NODES.objectNode().put("type", "message_stop"));
        return events;
    }

    private static void add(List<String> events, ObjectNode event) {
        events.add(StreamChunks.event(event.path("type").asText(), event.toString(), "\n"));
    }
}
