package dev.promptjuggler.simulator.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptjuggler.simulator.shared.StreamChunks;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

/**
 * A chat completion as OpenAI streams it: {@code chat.completion.chunk} events (the role first, then the content a
 * word at a time, annotations, each tool call's id and name and then its arguments in pieces, then the
 * finish_reason), with {@code stream_options.include_usage} a last chunk with no choices and the usage, then
 * {@code data: [DONE]}. Joined back, the chunks are exactly the completion the request gets without streaming.
 */
@ApplicationScoped
public class ChatCompletionStream {

    private final ObjectMapper json;

    public ChatCompletionStream(ObjectMapper json) {
        this.json = json;
    }

    public List<String> events(ChatCompletionResponse completion, boolean includeUsage) {
        ObjectNode whole = json.valueToTree(completion);
        JsonNode choice = whole.path("choices").path(0);
        JsonNode message = choice.path("message");
        List<ObjectNode> chunks = new ArrayList<>();
        delta(whole, chunks, includeUsage).put("role", "assistant").put("content", "").putNull("refusal");
        StreamChunks.pieces(message.path("content").asText(null)).forEach(piece ->
                delta(whole, chunks, includeUsage).put("content", piece));
        if (message.path("annotations").isArray() && !message.path("annotations").isEmpty()) {
            delta(whole, chunks, includeUsage).set("annotations", message.path("annotations"));
        }
        int index = 0;
        for (JsonNode call : message.path("tool_calls")) {
            ObjectNode start = toolCall(delta(whole, chunks, includeUsage), index);
            start.put("id", call.path("id").asText()).put("type", "function");
            start.putObject("function").put("name", call.path("function").path("name").asText()).put("arguments", "");
            for (String piece : StreamChunks.slices(call.path("function").path("arguments").asText(""), 8)) {
                toolCall(delta(whole, chunks, includeUsage), index).putObject("function").put("arguments", piece);
            }
            index++;
        }
        ObjectNode last = chunk(whole, includeUsage);
        ObjectNode lastChoice = last.putArray("choices").addObject().put("index", 0);
        lastChoice.putObject("delta");
        lastChoice.putNull("logprobs");
        lastChoice.put("finish_reason", choice.path("finish_reason").asText("stop"));
        chunks.add(last);
        if (includeUsage) {
            ObjectNode usage = chunk(whole, false);
            usage.putArray("choices");
            usage.set("usage", whole.path("usage"));
            chunks.add(usage);
        }
        List<String> events = new ArrayList<>();
        chunks.forEach(chunk -> events.add(StreamChunks.event(null, chunk.toString(), "\n")));
        events.add(StreamChunks.event(null, "[DONE]", "\n"));
        return events;
    }

    private static ObjectNode toolCall(ObjectNode delta, int index) {
        return delta.putArray("tool_calls").addObject().put("index", index);
    }

    /** A new chunk with one choice, added to {@code chunks}; returns the choice's delta for the caller to fill. */
    private ObjectNode delta(ObjectNode whole, List<ObjectNode> chunks, boolean includeUsage) {
        ObjectNode chunk = chunk(whole, includeUsage);
        ArrayNode choices = chunk.putArray("choices");
        ObjectNode choice = choices.addObject().put("index", 0);
        ObjectNode delta = choice.putObject("delta");
        choice.putNull("logprobs");
        choice.putNull("finish_reason");
        chunks.add(chunk);
        return delta;
    }

    /** With include_usage, OpenAI sends {@code "usage": null} on every chunk but the last. */
    private ObjectNode chunk(ObjectNode whole, boolean includeUsage) {
        ObjectNode chunk = json.createObjectNode();
        chunk.put("id", whole.path("id").asText()).put("object", "chat.completion.chunk")
                .put("created", whole.path("created").asLong()).put("model", whole.path("model").asText())
                .put("system_fingerprint", whole.path("system_fingerprint").asText());
        if (includeUsage) {
            chunk.putNull("usage");
        }
        return chunk;
    }
}
