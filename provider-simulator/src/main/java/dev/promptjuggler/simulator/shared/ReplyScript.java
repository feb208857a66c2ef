package dev.promptjuggler.simulator.shared;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The simulator's deterministic behaviour, the same for every provider format:
 *
 * <ol>
 *   <li>a conversation that ends with tool results is answered {@code [simulated <model>] <tool>: <content>}, the
 *       results joined by {@code "; "};</li>
 *   <li>a request that declares function tools and whose last user text holds {@code @tool <name> <json-object>}
 *       directives is answered with those tool calls;</li>
 *   <li>otherwise the text is {@code [simulated <model>] <last user text>}: as is, in {@code {"reply": ...}} for
 *       json_object, or as minimal values valid against the schema for json_schema; with native web search, one
 *       search for the user text with one result.</li>
 * </ol>
 */
public final class ReplyScript {

    public static final String DIRECTIVE = "@tool";
    public static final String SEARCH_RESULT_TITLE = "Simulated result";

    private static final ObjectMapper JSON = new ObjectMapper();

    private ReplyScript() {
    }

    public static SimulatedReply reply(SimulatedTurn turn) {
        String prefix = "[simulated " + turn.model() + "] ";
        if (!turn.toolResults().isEmpty()) {
            String text = prefix + turn.toolResults().stream().map(r -> r.toolName() + ": " + r.content())
                    .collect(Collectors.joining("; "));
            return new SimulatedReply(text, List.of(), null, SimulatedText.countWords(text));
        }
        if (turn.declaresTools()) {
            List<SimulatedReply.ToolCall> calls = directives(turn.lastUserText());
            if (!calls.isEmpty()) {
                int words = calls.stream().mapToInt(c -> SimulatedText.countWords(c.name() + " " + c.arguments())).sum();
                return new SimulatedReply(null, calls, null, words);
            }
        }
        String reply = prefix + turn.lastUserText();
        String text = switch (turn.format()) {
            case TEXT -> reply;
            case JSON_OBJECT -> JSON.createObjectNode().put("reply", reply).toString();
            case JSON_SCHEMA -> SchemaExample.of(turn.schema()).toString();
        };
        SimulatedReply.Search search = turn.webSearch() ? new SimulatedReply.Search(turn.lastUserText(),
                SEARCH_RESULT_TITLE, "https://example.com/search?q=" + URLEncoder.encode(turn.lastUserText(),
                        StandardCharsets.UTF_8)) : null;
        return new SimulatedReply(text, List.of(), search, SimulatedText.countWords(text));
    }

    /** Every {@code @tool <name> <json-object>} in {@code text}, in order; malformed ones are skipped. */
    static List<SimulatedReply.ToolCall> directives(String text) {
        List<SimulatedReply.ToolCall> calls = new ArrayList<>();
        int from = 0;
        while ((from = text.indexOf(DIRECTIVE + " ", from)) >= 0) {
            int nameStart = skipSpaces(text, from + DIRECTIVE.length());
            int nameEnd = nameStart;
            while (nameEnd < text.length() && !Character.isWhitespace(text.charAt(nameEnd)) && text.charAt(nameEnd) != '{') {
                nameEnd++;
            }
            int argsStart = skipSpaces(text, nameEnd);
            from = nameEnd;
            if (nameEnd == nameStart || argsStart >= text.length() || text.charAt(argsStart) != '{') {
                continue;
            }
            try (JsonParser parser = JSON.getFactory().createParser(text.substring(argsStart))) {
                JsonNode arguments = JSON.readTree(parser);
                calls.add(new SimulatedReply.ToolCall(calls.size(), text.substring(nameStart, nameEnd), (ObjectNode) arguments));
                from = argsStart + (int) parser.currentLocation().getCharOffset();
            } catch (JsonProcessingException e) {
                // not a JSON object: not a directive
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return calls;
    }

    private static int skipSpaces(String text, int at) {
        while (at < text.length() && Character.isWhitespace(text.charAt(at))) {
            at++;
        }
        return at;
    }
}
