package dev.promptjuggler.contracts.prompt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The tool definitions api-gateway refuses in a draft (422) and run-executor checks before a run uses them. */
class ToolRulesTest {

    private static Optional<String> problem(Map<String, Object> tool) {
        return ToolRules.problem(List.of(tool));
    }

    private static Map<String, Object> http(Object... more) {
        Map<String, Object> tool = new HashMap<>(Map.of("type", "http", "name", "weather", "url", "https://api.example.com/w"));
        for (int i = 0; i < more.length; i += 2) {
            tool.put((String) more[i], more[i + 1]);
        }
        return tool;
    }

    @Test
    void wellFormedToolsOfEveryTypePass() {
        assertEquals(Optional.empty(), ToolRules.problem(List.of(
                Map.of("type", "web_search"),
                http("method", "post", "headers", List.of(Map.of("key", "Authorization", "value", "Bearer ${WEATHER_KEY}"),
                        Map.of("key", "Accept", "value", "application/json")), "paramsSchema", "{\"type\":\"object\"}"),
                Map.of("type", "emit", "name", "verdict", "paramsSchema", "{\"type\":\"object\",\"description\":\"{{why}}\"}"),
                Map.of("type", "knowledge_search", "name", "docs", "knowledgeBaseId", "kb-1"),
                Map.of("type", "prompt", "name", "summarise", "versionRef", Map.of("definitionId", "d1", "idOrTag", "latest")),
                Map.of("type", "workflow", "name", "triage", "versionRef", Map.of("definitionId", "d2", "idOrTag", "3")),
                Map.of("type", "mcp", "name", "remote"),
                Map.of("type", "script", "name", "local"))));
        assertEquals(Optional.empty(), ToolRules.problem(List.of()));
    }

    @Test
    void theTypeMustBeKnown() {
        String types = "[emit, http, knowledge_search, mcp, prompt, script, web_search, workflow]";

        assertEquals(Optional.of("tools[0].type must be one of " + types + ", not null"), problem(Map.of("name", "x")));
        assertEquals(Optional.of("tools[1].type must be one of " + types + ", not ftp"),
                ToolRules.problem(List.of(Map.of("type", "web_search"), Map.of("type", "ftp", "name", "x"))));
    }

    @Test
    void namesAreProviderSafeAndUnique() {
        assertEquals(Optional.of("tools[0].name must be 1-64 letters, digits, _ or -, not null"),
                problem(Map.of("type", "mcp")));
        assertEquals(Optional.of("tools[0].name must be 1-64 letters, digits, _ or -, not get weather"),
                problem(Map.of("type", "mcp", "name", "get weather")));
        assertEquals(Optional.of("tools[0].name must be 1-64 letters, digits, _ or -, not " + "a".repeat(65)),
                problem(Map.of("type", "mcp", "name", "a".repeat(65))));
        assertEquals(Optional.empty(), problem(Map.of("type", "mcp", "name", "A-z_09".repeat(10) + "abcd")));
        assertEquals(Optional.of("tools[1]: two tools are named 'lookup'"),
                ToolRules.problem(List.of(Map.of("type", "mcp", "name", "lookup"), Map.of("type", "script", "name", "lookup"))));
        // Web search is the provider's own tool: it has no name to clash.
        assertEquals(Optional.empty(), ToolRules.problem(List.of(Map.of("type", "web_search"), Map.of("type", "web_search"))));
    }

    @Test
    void anHttpToolNeedsAUrlAKnownMethodAndWellFormedHeaders() {
        assertEquals(Optional.of("tool 'weather': url is required"), problem(http("url", " ")));
        assertEquals(Optional.of("tool 'weather': method must be one of [DELETE, GET, PATCH, POST, PUT], not HEAD"),
                problem(http("method", "head")));
        assertEquals(Optional.of("tool 'weather': headers must be [{key, value}]"), problem(http("headers", List.of("Accept: */*"))));
        assertEquals(Optional.of("tool 'weather': headers must be [{key, value}]"),
                problem(http("headers", List.of(Map.of("value", "x")))));
    }

    @Test
    void aCredentialHeaderTakesItsValueFromAVariable() {
        assertEquals(Optional.of("tool 'weather': header X-Api-Key carries a credential and must take it from an environment"
                + " variable (${NAME})"), problem(http("headers", List.of(Map.of("key", "X-Api-Key", "value", "sk-123")))));
        assertEquals(Optional.empty(), problem(http("headers", List.of(Map.of("key", "X-Api-Key", "value", "${WEATHER_KEY}")))));

        for (String header : List.of("Authorization", "authorization", "X-Api-Key", "x-apikey", "X-Auth-Token", "Client-Secret",
                "Ocp-Apim-Subscription-Key")) {
            assertTrue(ToolRules.credential(header), header);
        }
        for (String header : List.of("Accept", "Content-Type", "X-Request-Id", "Keyword", "Tokens-Used")) {
            assertFalse(ToolRules.credential(header), header);
        }
    }

    @Test
    void aParamsSchemaMustReadAsAJsonObject() {
        assertEquals(Optional.of("tool 'weather': paramsSchema must be a JSON Schema object"),
                problem(http("paramsSchema", "[\"city\"]")));
        assertTrue(problem(http("paramsSchema", "{\"type\": ")).orElseThrow().startsWith("tool 'weather': paramsSchema is not JSON: "));
        assertEquals(Optional.of("tool 'verdict': paramsSchema must be a JSON Schema object"),
                problem(Map.of("type", "emit", "name", "verdict", "paramsSchema", "42")));
        assertEquals(Optional.empty(), problem(http("paramsSchema", " ")), "no schema: the tool takes no parameters");
    }

    @Test
    void knowledgeSearchAndNestedDefinitionsNeedWhatTheyRun() {
        assertEquals(Optional.of("tool 'docs': knowledgeBaseId is required"),
                problem(Map.of("type", "knowledge_search", "name", "docs")));
        assertEquals(Optional.of("tool 'summarise': versionRef {definitionId, idOrTag} is required"),
                problem(Map.of("type", "prompt", "name", "summarise", "versionRef", Map.of("definitionId", "d1"))));
        assertEquals(Optional.of("tool 'triage': versionRef {definitionId, idOrTag} is required"),
                problem(Map.of("type", "workflow", "name", "triage", "versionRef", "d2@3")));
    }

    @Test
    void theFirstProblemIsReported() {
        assertEquals(Optional.of("tool 'weather': url is required"), ToolRules.problem(List.of(
                Map.of("type", "web_search"), http("url", ""), Map.of("type", "knowledge_search", "name", "docs"))));
    }

    @Test
    void aSchemaIsReadFromJsonTextOrTakenAsAMap() {
        assertEquals(Map.of("type", "object"), ToolRules.jsonObject("{\"type\":\"object\"}"));
        assertEquals(Map.of("type", "object"), ToolRules.jsonObject(Map.of("type", "object")));
        assertNull(ToolRules.jsonObject("[1, 2]"));
        assertNull(ToolRules.jsonObject("{not json"));
        assertNull(ToolRules.jsonObject("  "));
        assertNull(ToolRules.jsonObject(42));
    }

    @Test
    void theSdkSchemaAcceptsEveryTypeWithItsRequiredFields() {
        assertEquals(Optional.empty(), ToolRules.sdkSchemaProblem(List.of(
                Map.of("type", "web_search", "allowedDomains", List.of("example.com")),
                Map.of("type", "http", "name", "weather", "url", "https://api.example.com/w", "method", "POST",
                        "failFast", true, "paramsSchema", "{\"type\":\"object\"}",
                        "headers", List.of(Map.of("key", "Accept", "value", "application/json"))),
                Map.of("type", "emit", "name", "verdict", "failFast", false, "paramsSchema", "{\"type\":\"object\"}"),
                Map.of("type", "knowledge_search", "name", "docs", "failFast", false, "knowledgeBaseId", "kb-1"),
                Map.of("type", "prompt", "name", "summarise", "failFast", true,
                        "versionRef", Map.of("definitionId", "d1", "idOrTag", 3)),
                Map.of("type", "workflow", "name", "triage", "failFast", true,
                        "versionRef", Map.of("definitionId", "d2", "idOrTag", "production")),
                Map.of("type", "mcp", "name", "remote", "url", "https://mcp.example.com"),
                Map.of("type", "script", "name", "calc", "failFast", false, "language", "python", "code", "print(1)"))));
    }

    @Test
    void theSdkSchemaNamesTheFirstFieldItRefuses() {
        assertEquals(Optional.of("tools[0].failFast is required and must be true or false"), ToolRules.sdkSchemaProblem(
                List.of(Map.of("type", "knowledge_search", "name", "docs", "knowledgeBaseId", "kb-1"))));
        assertEquals(Optional.of("tools[1].paramsSchema is required and must be a non-empty string (a JSON Schema"
                + " object, as JSON text)"), ToolRules.sdkSchemaProblem(List.of(Map.of("type", "web_search"),
                Map.of("type", "emit", "name", "lead", "failFast", true))));
        assertEquals(Optional.of("tools[0].versionRef.definitionId must be a non-empty string"), ToolRules.sdkSchemaProblem(
                List.of(Map.of("type", "prompt", "name", "p", "failFast", true, "versionRef", Map.of("idOrTag", 1)))));
        assertEquals(Optional.of("tools[0].method must be one of [DELETE, GET, PATCH, POST, PUT]"), ToolRules.sdkSchemaProblem(
                List.of(Map.of("type", "http", "name", "h", "failFast", true, "url", "https://x.example",
                        "paramsSchema", "{}", "method", "post"))));
        assertEquals(Optional.of("tools[0].language must be python or javascript"), ToolRules.sdkSchemaProblem(
                List.of(Map.of("type", "script", "name", "s", "failFast", true, "language", "ruby", "code", "1"))));
        assertEquals(Optional.of("tools[0].description must be a string or null"), ToolRules.sdkSchemaProblem(
                List.of(Map.of("type", "emit", "name", "e", "failFast", true, "paramsSchema", "{}", "description", 5))));
        assertEquals(Optional.of("tools[0].allowedTools must be an array of strings or null"), ToolRules.sdkSchemaProblem(
                List.of(Map.of("type", "mcp", "name", "m", "url", "https://mcp.example", "allowedTools", "all"))));
    }
}
