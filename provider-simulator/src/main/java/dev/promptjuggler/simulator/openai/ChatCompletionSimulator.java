package dev.promptjuggler.simulator.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.promptjuggler.simulator.shared.SimulatedReply;
import dev.promptjuggler.simulator.shared.SimulatedText;
import dev.promptjuggler.simulator.shared.SimulatedTurn;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a validated chat completion request into a {@link SimulatedTurn} and writes the simulated reply as a
 * chat completion.
 *
 * <ul>
 *   <li>usage: prompt_tokens = whitespace-separated words over all messages' text, completion_tokens = words in
 *       the content (or in the tool calls' names and arguments), total_tokens = their sum;</li>
 *   <li>id: {@code "chatcmpl-"} + hex of a SHA-256 of the raw request body, so the same body gives the same id;
 *       tool call ids {@code "call_"} + the same hex + the call's index.</li>
 * </ul>
 */
@ApplicationScoped
public class ChatCompletionSimulator {

    static final String ID_PREFIX = "chatcmpl-";
    static final String SYSTEM_FINGERPRINT = "fp_simulator";

    public SimulatedTurn turn(ChatCompletionRequest request) {
        String lastUserText = "";
        int promptWords = 0;
        Map<String, String> toolNames = new HashMap<>();
        List<SimulatedTurn.ToolOutput> trailingResults = new ArrayList<>();
        for (ChatCompletionRequest.Message message : request.messages()) {
            promptWords += SimulatedText.countWords(message.text());
            if ("tool".equals(message.role())) {
                trailingResults.add(new SimulatedTurn.ToolOutput(
                        toolNames.getOrDefault(message.toolCallId(), message.toolCallId()), message.text()));
                continue;
            }
            trailingResults.clear();
            if ("user".equals(message.role())) {
                lastUserText = message.text();
            }
            if (message.toolCalls() != null) {
                message.toolCalls().forEach(call -> toolNames.put(call.id(),
                        call.function() == null ? call.id() : call.function().name()));
            }
        }
        JsonNode format = request.responseFormat();
        String formatType = format == null ? "text" : format.path("type").asText("text");
        SimulatedTurn.Format kind = switch (formatType) {
            case "json_object" -> SimulatedTurn.Format.JSON_OBJECT;
            case "json_schema" -> SimulatedTurn.Format.JSON_SCHEMA;
            default -> SimulatedTurn.Format.TEXT;
        };
        boolean declaresTools = request.tools() != null && request.tools().isArray() && !request.tools().isEmpty();
        return new SimulatedTurn(request.model(), lastUserText, declaresTools, trailingResults, kind,
                format == null ? null : format.path("json_schema").path("schema"),
                request.webSearchOptions() != null && !request.webSearchOptions().isNull(), promptWords);
    }

    /**
     * @param rawBody the exact request bytes (hashed into the ids)
     * @param now     the answer time (becomes {@code created}, in epoch seconds)
     */
    public ChatCompletionResponse answer(SimulatedTurn turn, SimulatedReply reply, byte[] rawBody, Instant now) {
        String hex = SimulatedText.hexDigest(rawBody, 32);
        List<ChatCompletionResponse.ToolCall> calls = reply.toolCalls().stream()
                .map(call -> new ChatCompletionResponse.ToolCall("call_" + hex.substring(0, 24) + "_" + call.index(),
                        "function", new ChatCompletionResponse.Function(call.name(), call.arguments().toString())))
                .toList();
        List<ChatCompletionResponse.Annotation> annotations = reply.search() == null ? List.of()
                : List.of(new ChatCompletionResponse.Annotation("url_citation", new ChatCompletionResponse.UrlCitation(
                        0, reply.text().length(), reply.search().title(), reply.search().url())));
        var usage = new ChatCompletionResponse.Usage(turn.promptWords(), reply.completionWords(),
                turn.promptWords() + reply.completionWords(), new ChatCompletionResponse.PromptTokensDetails(0),
                new ChatCompletionResponse.CompletionTokensDetails(0));
        var message = new ChatCompletionResponse.AssistantMessage("assistant", reply.text(), null,
                calls.isEmpty() ? null : calls, annotations);
        var choice = new ChatCompletionResponse.Choice(0, message, null, calls.isEmpty() ? "stop" : "tool_calls");
        return new ChatCompletionResponse(ID_PREFIX + hex, ChatCompletionResponse.OBJECT, now.getEpochSecond(),
                turn.model(), List.of(choice), usage, SYSTEM_FINGERPRINT);
    }
}
