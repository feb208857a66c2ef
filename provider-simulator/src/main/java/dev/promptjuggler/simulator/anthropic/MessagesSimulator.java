package dev.promptjuggler.simulator.anthropic;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.promptjuggler.simulator.shared.SimulatedReply;
import dev.promptjuggler.simulator.shared.SimulatedText;
import dev.promptjuggler.simulator.shared.SimulatedTurn;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Writes the simulated reply as an Anthropic message: text blocks, {@code tool_use} blocks (stop_reason
 * {@code tool_use}), or a web search as {@code server_tool_use} + {@code web_search_tool_result} + cited text.
 * Ids: {@code msg_}/{@code toolu_}/{@code srvtoolu_} + hex of a SHA-256 of the raw request body.
 */
@ApplicationScoped
public class MessagesSimulator {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    public ObjectNode answer(SimulatedTurn turn, SimulatedReply reply, byte[] rawBody) {
        String hex = SimulatedText.hexDigest(rawBody, 24);
        ArrayNode content = NODES.arrayNode();
        SimulatedReply.Search search = reply.search();
        if (search != null) {
            String id = "srvtoolu_" + hex;
            content.addObject().put("type", "server_tool_use").put("id", id).put("name", "web_search")
                    .putObject("input").put("query", search.query());
            ObjectNode result = content.addObject().put("type", "web_search_tool_result").put("tool_use_id", id);
            result.putArray("content").addObject().put("type", "web_search_result").put("url", search.url())
                    .put("title", search.title()).put("encrypted_content", "c2ltdWxhdGVk").putNull("page_age");
        }
        if (reply.text() != null) {
            ObjectNode text = content.addObject().put("type", "text").put("text", reply.text());
            if (search != null) {
                text.putArray("citations").addObject().put("type", "web_search_result_location")
                        .put("url", search.url()).put("title", search.title())
                        .put("encrypted_index", "c2ltdWxhdGVk").put("cited_text", search.query());
            }
        }
        reply.toolCalls().forEach(call -> content.addObject().put("type", "tool_use")
                .put("id", "toolu_" + hex + "_" + call.index()).put("name", call.name()).set("input", call.arguments()));
        ObjectNode message = NODES.objectNode().put("id", "msg_" + hex).put("type", "message").put("role", "assistant")
                .put("model", turn.model());
        message.set("content", content);
        message.put("stop_reason", reply.toolCalls().isEmpty() ? "end_turn" : "tool_use").putNull("stop_sequence");
        ObjectNode usage = message.putObject("usage").put("input_tokens", turn.promptWords())
                .put("cache_creation_input_tokens", 0).put("cache_read_input_tokens", 0)
                .put("output_tokens", reply.completionWords());
        if (search != null) {
            usage.putObject("server_tool_use").put("web_search_requests", 1);
        }
        return message;
    }
}
