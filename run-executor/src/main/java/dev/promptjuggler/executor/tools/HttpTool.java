package dev.promptjuggler.executor.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.promptjuggler.executor.llm.ToolCall;
import dev.promptjuggler.executor.llm.ToolSpec;
import io.opentelemetry.context.Context;
import io.smallrye.mutiny.Uni;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The SDK's {@code HttpCall} tool. URL and headers were rendered when the run started ({@code {{input}}} and
 * {@code ${VAR}}); the model's arguments, checked against the tool's schema, become the query string of a
 * GET or DELETE and the JSON body of a POST, PUT or PATCH. A 2xx answer's body goes back to the model;
 * anything else is a failed call.
 */
final class HttpTool extends DefinedTool {

    private final ParamsSchema schema;
    private final String method;
    private final String url;
    private final Map<String, String> headers;
    private final GuardedHttpClient http;

    HttpTool(ToolSpec spec, ParamsSchema schema, boolean failFast, String method, String url, Map<String, String> headers,
            GuardedHttpClient http, ObjectMapper json) {
        super(spec, failFast, json);
        this.schema = schema;
        this.method = method;
        this.url = url;
        this.headers = headers;
        this.http = http;
    }

    @Override
    Uni<ToolOutcome> call(ToolCall call, JsonNode arguments, Context trace) {
        String violations = schema.violations(arguments);
        if (violations != null) {
            return Uni.createFrom().item(ToolOutcome.failed("the arguments do not follow the schema: " + violations));
        }
        boolean withBody = method.equals("POST") || method.equals("PUT") || method.equals("PATCH");
        String target = withBody ? url : withQuery(url, Arguments.asStrings(arguments));
        Map<String, String> sent = new java.util.LinkedHashMap<>(headers);
        if (withBody) {
            sent.putIfAbsent("Content-Type", "application/json");
        }
        return http.send(method, target, sent, withBody ? arguments.toString() : null)
                .map(answer -> answer.status() / 100 == 2
                        ? ToolOutcome.ok(answer.body())
                        : ToolOutcome.failed("HTTP " + answer.status() + (answer.status() / 100 == 3
                                ? " (redirects are not followed)" : "") + ": " + answer.body()))
                .onFailure().recoverWithItem(failure -> ToolOutcome.failed(
                        failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage()));
    }

    private static String withQuery(String url, Map<String, String> parameters) {
        if (parameters.isEmpty()) {
            return url;
        }
        String query = parameters.entrySet().stream()
                .map(entry -> encode(entry.getKey()) + "=" + encode(entry.getValue()))
                .collect(Collectors.joining("&"));
        return url + (url.contains("?") ? "&" : "?") + query;
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
