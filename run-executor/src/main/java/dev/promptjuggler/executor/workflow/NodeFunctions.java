package dev.promptjuggler.executor.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.jayway.jsonpath.Configuration;
import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.Option;
import com.jayway.jsonpath.spi.json.JacksonJsonNodeJsonProvider;
import com.jayway.jsonpath.spi.mapper.JacksonMappingProvider;
import dev.promptjuggler.contracts.prompt.PromptTemplate;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The workflow nodes that only transform strings: String, Array, JSON Query, and the conditions of If,
 * Switch and Loop. Pure functions; a value they cannot work with is a {@link NodeFailure} naming why.
 */
final class NodeFunctions {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Configuration JSON_PATH = Configuration.builder()
            .jsonProvider(new JacksonJsonNodeJsonProvider(JSON))
            .mappingProvider(new JacksonMappingProvider(JSON))
            .options(Option.SUPPRESS_EXCEPTIONS)
            .build();

    private NodeFunctions() {
    }

    /** A node could not produce its value. */
    static final class NodeFailure extends RuntimeException {
        NodeFailure(String message) {
            super(message, null, false, false);
        }
    }

    /** @param inputs the node's inputs by handle ({@code in}, or a template's placeholders) */
    static String string(Map<String, Object> settings, Map<String, String> inputs) {
        String in = inputs.getOrDefault("in", "");
        return switch (String.valueOf(settings.get("operation"))) {
            case "template" -> PromptTemplate.render(text(settings, "template", ""), inputs);
            case "split" -> write(List.of(in.split(Pattern.quote(text(settings, "separator", ",")), -1)));
            case "join" -> String.join(text(settings, "separator", ""), items(in));
            case "replace" -> in.replace(text(settings, "search", ""), text(settings, "replacement", ""));
            case "upper" -> in.toUpperCase(Locale.ROOT);
            case "lower" -> in.toLowerCase(Locale.ROOT);
            case "trim" -> in.strip();
            default -> throw new NodeFailure("unknown string operation " + settings.get("operation"));
        };
    }

    static String array(Map<String, Object> settings, String in) {
        List<String> items = items(in);
        return switch (String.valueOf(settings.get("operation"))) {
            case "length" -> String.valueOf(items.size());
            case "index" -> {
                int index = integer(settings, "index", 0);
                int at = index < 0 ? items.size() + index : index;
                if (at < 0 || at >= items.size()) {
                    throw new NodeFailure("index " + index + " is outside an array of " + items.size());
                }
                yield items.get(at);
            }
            case "slice" -> {
                int start = clamp(integer(settings, "start", 0), items.size());
                int end = clamp(integer(settings, "end", items.size()), items.size());
                yield write(items.subList(start, Math.max(start, end)));
            }
            case "map" -> write(items.stream()
                    .map(item -> PromptTemplate.render(text(settings, "template", "{{item}}"), Map.of("item", item)))
                    .toList());
            default -> throw new NodeFailure("unknown array operation " + settings.get("operation"));
        };
    }

    /** JSONPath (Jayway) over the input; a text result as is, anything else as JSON. */
    static String jsonQuery(Map<String, Object> settings, String in) {
        JsonNode document = parse(in, "the input is not JSON");
        JsonNode result;
        try {
            result = JsonPath.using(JSON_PATH).parse(document).read(String.valueOf(settings.get("expression")));
        } catch (RuntimeException e) {
            throw new NodeFailure("JSONPath " + settings.get("expression") + ": " + e.getMessage());
        }
        if (result == null || result.isMissingNode() || result.isNull()) {
            throw new NodeFailure("JSONPath " + settings.get("expression") + " matched nothing");
        }
        return result.isTextual() ? result.asText() : result.toString();
    }

    /** @param condition {@code operator} and {@code value} (If, a Switch case, a Loop's {@code until}) */
    static boolean holds(Map<?, ?> condition, String in) {
        String value = condition.get("value") == null ? "" : String.valueOf(condition.get("value"));
        return switch (String.valueOf(condition.get("operator"))) {
            case "equals" -> in.equals(value);
            case "not_equals" -> !in.equals(value);
            case "contains" -> in.contains(value);
            case "matches" -> Pattern.compile(value).matcher(in).find();
            case "empty" -> in.isBlank();
            case "not_empty" -> !in.isBlank();
            case "greater_than" -> number(in).compareTo(number(value)) > 0;
            case "less_than" -> number(in).compareTo(number(value)) < 0;
            default -> throw new NodeFailure("unknown operator " + condition.get("operator"));
        };
    }

    /** The items of a JSON array, each as a string (text as is, anything else as JSON). */
    static List<String> items(String in) {
        JsonNode array = parse(in, "the input is not a JSON array");
        if (!array.isArray()) {
            throw new NodeFailure("the input is not a JSON array");
        }
        List<String> items = new ArrayList<>();
        array.forEach(item -> items.add(item.isTextual() ? item.asText() : item.toString()));
        return items;
    }

    /** Values merged at one input, or an array of strings produced by a node: a JSON array of strings. */
    static String write(List<String> values) {
        ArrayNode array = JSON.createArrayNode();
        values.forEach(array::add);
        return array.toString();
    }

    /** A node's outputs by handle as a JSON object (a Fanout item's, when it has no {@code out}). */
    static String write(Map<String, String> outputs) {
        return JSON.valueToTree(outputs).toString();
    }

    private static JsonNode parse(String in, String problem) {
        try {
            return JSON.readTree(in);
        } catch (Exception e) {
            throw new NodeFailure(problem);
        }
    }

    private static BigDecimal number(String text) {
        try {
            return new BigDecimal(text.strip());
        } catch (NumberFormatException e) {
            throw new NodeFailure("'" + text + "' is not a number");
        }
    }

    private static int clamp(int index, int size) {
        return Math.max(0, Math.min(size, index < 0 ? size + index : index));
    }

    private static int integer(Map<String, Object> settings, String key, int otherwise) {
        Object value = settings.get(key);
        return value instanceof Number number ? number.intValue() : otherwise;
    }

    private static String text(Map<String, Object> settings, String key, String otherwise) {
        Object value = settings.get(key);
        return value == null ? otherwise : String.valueOf(value);
    }
}
