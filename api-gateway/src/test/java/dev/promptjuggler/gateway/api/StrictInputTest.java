package dev.promptjuggler.gateway.api;

import static dev.promptjuggler.gateway.api.Api.as;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.promptjuggler.gateway.api.RawHttp.Answer;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every endpoint that takes a body, sent what an outside fuzzing sent it: other media types, no body, the
 * JSON literal null, other JSON types, broken JSON, a NUL character, and a wrong type in each field. And
 * every endpoint with a path parameter, sent a control character, an over-long value or a malformed id
 * there. Each answer is a 4xx in the error shape naming the problem, and no table of the gateway schema
 * gains or loses a row.
 */
@QuarkusTest
class StrictInputTest {

    private static final String JSON = "application/json";

    /** One endpoint with a body: {@code {prompt}}, {@code {webhook}}, … name the fixture's resources. */
    record BodyEndpoint(String method, String path, String validBody, boolean bodyRequired, List<TypedField> fields) {
    }

    /** A body whose {@code field} has the wrong JSON type (or an unknown enum spelling). */
    record TypedField(String field, String body) {
    }

    record Case(String method, String path, String contentType, String body, int status, String errorStart) {
    }

    private static final String DRAFT = "{\"provider\":\"openai\",\"model\":\"gpt-5.5\","
            + "\"messages\":[{\"role\":\"user\",\"content\":\"Hello {{name}}\"}]}";

    private static final List<BodyEndpoint> BODY_ENDPOINTS = List.of(
            new BodyEndpoint("POST", "/api/v1/prompts/{prompt}/1/runs", "{\"inputs\":{\"name\":\"Ada\"}}", true, List.of(
                    field("inputs", "{\"inputs\":\"Ada\"}"),
                    field("environment", "{\"inputs\":{\"name\":\"Ada\"},\"environment\":5}"),
                    field("priority", "{\"inputs\":{\"name\":\"Ada\"},\"priority\":1}"),
                    field("priority", "{\"inputs\":{\"name\":\"Ada\"},\"priority\":\"ONSITE\"}"),
                    field("thread", "{\"inputs\":{\"name\":\"Ada\"},\"thread\":5}"),
                    field("channel", "{\"inputs\":{\"name\":\"Ada\"},\"channel\":true}"),
                    field("envVars", "{\"inputs\":{\"name\":\"Ada\"},\"envVars\":[\"A\"]}"),
                    field("metadata", "{\"inputs\":{\"name\":\"Ada\"},\"metadata\":\"m\"}"))),
            new BodyEndpoint("POST", "/api/v1/workflows/{workflow}/1/runs", "{\"inputs\":{\"question\":\"why?\"}}", true,
                    List.of(field("inputs", "{\"inputs\":[]}"),
                            field("environment", "{\"inputs\":{\"question\":\"why?\"},\"environment\":{}}"),
                            field("priority", "{\"inputs\":{\"question\":\"why?\"},\"priority\":{}}"))),
            new BodyEndpoint("POST", "/manage/v1/bootstrap", "{\"tenantName\":\"strict {unique}\"}", true, List.of(
                    field("tenantName", "{\"tenantName\":5}"),
                    field("tenantName", "{\"tenantName\":{\"name\":\"x\"}}"))),
            new BodyEndpoint("POST", "/manage/v1/prompts", "{\"name\":\"Strict {unique}\",\"draft\":" + DRAFT + "}", true,
                    List.of(field("name", "{\"name\":5,\"draft\":" + DRAFT + "}"),
                            field("name", "{\"name\":[\"Strict\"],\"draft\":" + DRAFT + "}"),
                            field("draft.model", "{\"name\":\"Strict {unique}\",\"draft\":{\"provider\":\"openai\","
                                    + "\"model\":5,\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}}"),
                            field("draft.provider", "{\"name\":\"Strict {unique}\",\"draft\":{\"provider\":true,"
                                    + "\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}}"),
                            field("draft.messages[0].content", "{\"name\":\"Strict {unique}\",\"draft\":{\"provider\":"
                                    + "\"openai\",\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":7}]}}"))),
            new BodyEndpoint("PUT", "/manage/v1/prompts/{prompt}/draft", DRAFT, true, List.of(
                    field("model", "{\"provider\":\"openai\",\"model\":5,\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"),
                    field("systemInstruction", "{\"provider\":\"openai\",\"model\":\"m\",\"systemInstruction\":false,"
                            + "\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"),
                    field("memory", "{\"provider\":\"openai\",\"model\":\"m\",\"memory\":1,"
                            + "\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"),
                    field("messages", "{\"provider\":\"openai\",\"model\":\"m\",\"messages\":{}}"))),
            new BodyEndpoint("POST", "/manage/v1/prompts/{prompt}/versions", "{\"changeNote\":\"n\"}", false, List.of(
                    field("changeNote", "{\"changeNote\":5}"),
                    field("changeNote", "{\"changeNote\":[\"n\"]}"))),
            new BodyEndpoint("POST", "/manage/v1/prompts/{prompt}/rename", "{\"name\":\"Renamed {unique}\"}", true, List.of(
                    field("name", "{\"name\":5}"),
                    field("name", "{\"name\":true}"))),
            new BodyEndpoint("PUT", "/manage/v1/prompts/{prompt}/tags/production", "{\"version\":1}", true, List.of(
                    field("version", "{\"version\":\"1\"}"),
                    field("version", "{\"version\":1.5}"),
                    field("version", "{\"version\":true}"))),
            new BodyEndpoint("POST", "/manage/v1/workflows", "{\"name\":\"Flow {unique}\",\"draft\":{\"nodes\":[]}}", true,
                    List.of(field("name", "{\"name\":5,\"draft\":{}}"),
                            field("draft", "{\"name\":\"Flow {unique}\",\"draft\":\"nodes\"}"),
                            field("draft", "{\"name\":\"Flow {unique}\",\"draft\":[]}"))),
            new BodyEndpoint("PUT", "/manage/v1/workflows/{workflow}/draft", "{\"nodes\":[]}", true, List.of()),
            new BodyEndpoint("POST", "/manage/v1/workflows/{workflow}/versions", "{\"changeNote\":\"n\"}", false, List.of(
                    field("changeNote", "{\"changeNote\":5}"))),
            new BodyEndpoint("POST", "/manage/v1/workflows/{workflow}/rename", "{\"name\":\"Renamed {unique}\"}", true,
                    List.of(field("name", "{\"name\":5}"))),
            new BodyEndpoint("PUT", "/manage/v1/workflows/{workflow}/tags/production", "{\"version\":1}", true, List.of(
                    field("version", "{\"version\":\"1\"}"))),
            new BodyEndpoint("POST", "/manage/v1/api-keys", "{\"name\":\"key\"}", true, List.of(
                    field("name", "{\"name\":5}"),
                    field("scope", "{\"name\":\"key\",\"scope\":1}"),
                    field("scope", "{\"name\":\"key\",\"scope\":\"ADMIN\"}"),
                    field("scope", "{\"name\":\"key\",\"scope\":true}"))),
            new BodyEndpoint("PUT", "/manage/v1/environment-variables/API_TOKEN", "{\"value\":\"v\"}", true, List.of(
                    field("value", "{\"value\":5}"),
                    field("value", "{\"value\":true}"),
                    field("value", "{\"value\":{\"secret\":\"v\"}}"),
                    field("environment", "{\"value\":\"v\",\"environment\":5}"))),
            new BodyEndpoint("POST", "/manage/v1/knowledge-bases", "{\"name\":\"KB {unique}\"}", true, List.of(
                    field("name", "{\"name\":5}"),
                    field("chunking.maxTokens", "{\"name\":\"KB {unique}\",\"chunking\":{\"maxTokens\":\"100\"}}"),
                    field("embedding.provider", "{\"name\":\"KB {unique}\",\"embedding\":{\"provider\":1}}"),
                    field("embedding.dimensions", "{\"name\":\"KB {unique}\",\"embedding\":{\"dimensions\":1.5}}"))),
            new BodyEndpoint("POST", "/manage/v1/knowledge-bases/{knowledgeBase}/search", "{\"query\":\"q\"}", true, List.of(
                    field("query", "{\"query\":5}"),
                    field("topK", "{\"query\":\"q\",\"topK\":\"5\"}"),
                    field("minScore", "{\"query\":\"q\",\"minScore\":\"0.5\"}"),
                    field("documentIds", "{\"query\":\"q\",\"documentIds\":\"all\"}"),
                    field("documentIds[0]", "{\"query\":\"q\",\"documentIds\":[\"nope\"]}"))),
            new BodyEndpoint("POST", "/manage/v1/webhooks", "{\"url\":\"https://hooks.example.com/strict\"}", true, List.of(
                    field("url", "{\"url\":5}"),
                    field("events", "{\"url\":\"https://hooks.example.com/s\",\"events\":\"promptrun.finished\"}"),
                    field("events[0]", "{\"url\":\"https://hooks.example.com/s\",\"events\":[1]}"),
                    field("environment", "{\"url\":\"https://hooks.example.com/s\",\"environment\":5}"))),
            new BodyEndpoint("PUT", "/manage/v1/webhooks/{webhook}", "{\"url\":\"https://hooks.example.com/strict\"}", true,
                    List.of(field("url", "{\"url\":5}"),
                            field("enabled", "{\"url\":\"https://hooks.example.com/s\",\"enabled\":\"true\"}"),
                            field("enabled", "{\"url\":\"https://hooks.example.com/s\",\"enabled\":0}"),
                            field("environment", "{\"url\":\"https://hooks.example.com/s\",\"environment\":[]}"))),
            new BodyEndpoint("POST", "/manage/v1/webhooks/{webhook}/replay",
                    "{\"from\":\"2026-01-01T00:00:00Z\",\"to\":\"2100-01-01T00:00:00Z\"}", true, List.of(
                    field("from", "{\"from\":5,\"to\":\"2100-01-01T00:00:00Z\"}"),
                    field("to", "{\"from\":\"2026-01-01T00:00:00Z\",\"to\":true}"))),
            new BodyEndpoint("POST", "/manage/v1/webhooks/{webhook}/enable", "{}", false, List.of(
                    field("redeliverMissed", "{\"redeliverMissed\":\"true\"}"),
                    field("redeliverMissed", "{\"redeliverMissed\":1}"))));

    private static Fixture fixture;

    @Inject
    Pool pool;

    /** The resources the paths name; made once, before the first case counts rows. */
    record Fixture(String key, String prompt, String workflow, String knowledgeBase, String webhook) {

        String expand(String template) {
            return template.replace("{prompt}", prompt).replace("{workflow}", workflow)
                    .replace("{knowledgeBase}", knowledgeBase).replace("{webhook}", webhook)
                    .replace("{unique}", UUID.randomUUID().toString())
                    .replace("{uuid}", UUID.randomUUID().toString());
        }

        Map<String, String> headers() {
            return Map.of("Authorization", "Bearer " + key, "X-Bootstrap-Token", Api.BOOTSTRAP_TOKEN);
        }
    }

    private static synchronized Fixture fixture() {
        if (fixture == null) {
            String key = Api.newTenant();
            String prompt = Api.createPrompt(key, "Strict", Api.promptDraft("Hello {{name}}"));
            Api.publish(key, "prompts", prompt);
            String workflow = as(key).body(Map.of("name", "Strict flow " + UUID.randomUUID(), "draft", Map.of(
                            "nodes", List.of(Map.of("id", "q", "type", "input", "name", "question")), "edges", List.of())))
                    .post("/manage/v1/workflows").then().statusCode(201).extract().path("slug");
            Api.publish(key, "workflows", workflow);
            String knowledgeBase = as(key).body(Map.of("name", "Strict KB " + UUID.randomUUID()))
                    .post("/manage/v1/knowledge-bases").then().statusCode(201).extract().path("slug");
            String webhook = as(key).body(Map.of("url", "https://hooks.example.com/strict"))
                    .post("/manage/v1/webhooks").then().statusCode(201).extract().path("id");
            fixture = new Fixture(key, prompt, workflow, knowledgeBase, webhook);
        }
        return fixture;
    }

    static Stream<Arguments> malformedBodies() {
        List<Arguments> cases = new ArrayList<>();
        for (BodyEndpoint endpoint : BODY_ENDPOINTS) {
            Map<String, Case> named = new LinkedHashMap<>();
            named.put("text/plain", refused(endpoint, "text/plain", "hello", 415, "Content-Type text/plain is not accepted"));
            named.put("valid JSON as text/plain", refused(endpoint, "text/plain; charset=UTF-8", endpoint.validBody(), 415,
                    "Content-Type text/plain; charset=UTF-8 is not accepted"));
            named.put("a form", refused(endpoint, "application/x-www-form-urlencoded", "name=x", 415,
                    "Content-Type application/x-www-form-urlencoded is not accepted"));
            named.put("XML", refused(endpoint, "application/xml", "<name>x</name>", 415, "Content-Type application/xml"));
            named.put("no Content-Type", refused(endpoint, null, endpoint.validBody(), 415,
                    "a body without Content-Type is not accepted"));
            named.put("JSON null", refused(endpoint, JSON, "null", 422, "body must be a JSON object, not null"));
            named.put("JSON null padded", refused(endpoint, JSON, " \n null \n", 422, "body must be a JSON object, not null"));
            if (endpoint.bodyRequired()) {
                named.put("no body", refused(endpoint, JSON, "", 422, ""));
            }
            named.put("an array", refused(endpoint, JSON, "[]", 422, "body must be an object"));
            named.put("a string", refused(endpoint, JSON, "\"text\"", 422, "body must be an object"));
            named.put("a number", refused(endpoint, JSON, "42", 422, "body must be an object"));
            named.put("a boolean", refused(endpoint, JSON, "true", 422, "body must be an object"));
            named.put("cut off", refused(endpoint, JSON, "{\"name\": ", 400, "malformed JSON"));
            named.put("trailing tokens", refused(endpoint, JSON, endpoint.validBody() + " {}", 400, "malformed JSON"));
            named.put("a key twice", refused(endpoint, JSON, "{\"x\":\"1\",\"x\":\"2\"}", 400, "malformed JSON: Duplicate field"));
            String withNul = endpoint.validBody().equals("{}") ? "{\"note\":\"a\\u0000b\"}"
                    : endpoint.validBody().replaceFirst("\\}$", ",\"note\":\"a\\\\u0000b\"}");
            named.put("a NUL character", refused(endpoint, JSON, withNul, 422, "body must not contain the NUL character"));
            for (TypedField typed : endpoint.fields()) {
                named.put(typed.field() + " as " + typed.body(), refused(endpoint, JSON, typed.body(), 422, typed.field() + " "));
            }
            named.forEach((name, c) -> cases.add(Arguments.of(endpoint.method() + " " + endpoint.path() + ": " + name, c)));
        }
        String upload = "/api/v1/knowledge-bases/{knowledgeBase}/documents";
        cases.add(Arguments.of("upload as text/plain", new Case("POST", upload, "text/plain", "hello", 415, "Content-Type")));
        // JSON adds a document from text or a URL; files go in multipart parts.
        cases.add(Arguments.of("upload as JSON", new Case("POST", upload, JSON, "{\"files\":[]}", 422,
                "give exactly one of text and url")));
        cases.add(Arguments.of("text as a number", new Case("POST", upload, JSON, "{\"text\":1}", 422, "text must be a string")));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedBodies")
    void aMalformedBodyIsRefusedNamingTheProblemAndChangesNothing(String name, Case refused) {
        Fixture fixture = fixture();
        Map<String, Long> before = GatewayRows.count(pool);

        Answer answer = RawHttp.send(refused.method(), fixture.expand(refused.path()), fixture.headers(),
                refused.contentType(), refused.body() == null ? null : fixture.expand(refused.body()), false);

        assertEquals(refused.status(), answer.status(), answer.body());
        assertErrorStartsWith(refused.errorStart(), answer);
        assertEquals(before, GatewayRows.count(pool), "rows changed");
    }

    /**
     * The SDK passes a caller's {@code null} for an optional field on as {@code null}: that stays accepted, as
     * does a charset on the media type.
     */
    @Test
    void theSdksNullsForOptionalFieldsAreAccepted() {
        Fixture fixture = fixture();

        Answer answer = RawHttp.send("POST", fixture.expand("/api/v1/prompts/{prompt}/1/runs"), fixture.headers(), JSON,
                "{\"inputs\":{\"name\":\"Ada\"},\"thread\":null,\"priority\":null,\"environment\":null,"
                        + "\"envVars\":null,\"metadata\":null,\"channel\":null}", false);

        assertEquals(200, answer.status(), answer.body());
        assertNotNull(new JsonObject(answer.body()).getString("id"));
        Answer charset = RawHttp.send("POST", fixture.expand("/api/v1/prompts/{prompt}/1/runs"), fixture.headers(),
                "application/json; charset=utf-8", "{\"inputs\":{\"name\":\"Ada\"}}", false);
        assertEquals(200, charset.status(), charset.body());
    }

    /** Path templates with their parameters; {@code id}-like parameters are UUIDs. */
    private static final List<String[]> PATH_ENDPOINTS = List.of(
            new String[] {"POST", "/api/v1/prompts/{slug}/{version}/runs", "{\"inputs\":{\"name\":\"Ada\"}}"},
            new String[] {"GET", "/api/v1/promptruns/{id}", null},
            new String[] {"GET", "/api/v1/prompts/{slug}/{version}", null},
            new String[] {"POST", "/api/v1/workflows/{slug}/{version}/runs", "{\"inputs\":{\"question\":\"why?\"}}"},
            new String[] {"GET", "/api/v1/workflowruns/{id}", null},
            new String[] {"GET", "/api/v1/knowledge-bases/{slug}", null},
            new String[] {"GET", "/api/v1/knowledge-documents/{id}", null},
            new String[] {"DELETE", "/api/v1/knowledge-documents/{id}", null},
            new String[] {"GET", "/manage/v1/prompts/{slug}", null},
            new String[] {"PUT", "/manage/v1/prompts/{slug}/draft", DRAFT},
            new String[] {"POST", "/manage/v1/prompts/{slug}/rename", "{\"name\":\"Renamed {unique}\"}"},
            new String[] {"POST", "/manage/v1/prompts/{slug}/versions", "{\"changeNote\":\"n\"}"},
            new String[] {"GET", "/manage/v1/prompts/{slug}/versions", null},
            new String[] {"PUT", "/manage/v1/prompts/{slug}/tags/{tag}", "{\"version\":1}"},
            new String[] {"DELETE", "/manage/v1/prompts/{slug}/tags/{tag}", null},
            new String[] {"GET", "/manage/v1/workflows/{slug}", null},
            new String[] {"PUT", "/manage/v1/workflows/{slug}/draft", "{\"nodes\":[]}"},
            new String[] {"POST", "/manage/v1/workflows/{slug}/rename", "{\"name\":\"Renamed {unique}\"}"},
            new String[] {"POST", "/manage/v1/workflows/{slug}/versions", "{\"changeNote\":\"n\"}"},
            new String[] {"GET", "/manage/v1/workflows/{slug}/versions", null},
            new String[] {"PUT", "/manage/v1/workflows/{slug}/tags/{tag}", "{\"version\":1}"},
            new String[] {"DELETE", "/manage/v1/workflows/{slug}/tags/{tag}", null},
            new String[] {"GET", "/manage/v1/workflow-runs/{id}/trace", null},
            new String[] {"DELETE", "/manage/v1/api-keys/{id}", null},
            new String[] {"PUT", "/manage/v1/environment-variables/{key}", "{\"value\":\"v\"}"},
            new String[] {"DELETE", "/manage/v1/environment-variables/{id}", null},
            new String[] {"GET", "/manage/v1/knowledge-bases/{slug}", null},
            new String[] {"DELETE", "/manage/v1/knowledge-bases/{slug}", null},
            new String[] {"POST", "/manage/v1/knowledge-bases/{slug}/search", "{\"query\":\"q\"}"},
            new String[] {"PUT", "/manage/v1/webhooks/{id}", "{\"url\":\"https://hooks.example.com/strict\"}"},
            new String[] {"DELETE", "/manage/v1/webhooks/{id}", null},
            new String[] {"GET", "/manage/v1/webhooks/{id}/deliveries", null},
            new String[] {"POST", "/manage/v1/webhooks/{id}/deliveries/{deliveryId}/replay", null},
            new String[] {"POST", "/manage/v1/webhooks/{id}/replay", "{\"from\":\"2026-01-01T00:00:00Z\",\"to\":\"2100-01-01T00:00:00Z\"}"},
            new String[] {"POST", "/manage/v1/webhooks/{id}/ping", null},
            new String[] {"GET", "/manage/v1/webhooks/{id}/health", null},
            new String[] {"POST", "/manage/v1/webhooks/{id}/enable", "{}"},
            new String[] {"POST", "/manage/v1/webhooks/{id}/rotate-secret", null},
            new String[] {"GET", "/manage/v1/webhook-events/{eventId}/deliveries", null});

    /** Valid values of each parameter, so that only the one under test is wrong. */
    private static String valid(String parameter, String path) {
        return switch (parameter) {
            case "slug" -> path.contains("/workflows/") ? "{workflow}"
                    : path.contains("knowledge-bases") ? "{knowledgeBase}" : "{prompt}";
            case "version" -> "1";
            case "tag" -> "production";
            case "key" -> "API_TOKEN";
            case "id" -> path.contains("/webhooks/") ? "{webhook}" : "{uuid}";
            default -> "{uuid}";
        };
    }

    static Stream<Arguments> malformedPathParameters() {
        List<Arguments> cases = new ArrayList<>();
        String long1000 = "a".repeat(1000);
        for (String[] endpoint : PATH_ENDPOINTS) {
            String method = endpoint[0];
            String template = endpoint[1];
            List<String> parameters = new ArrayList<>();
            java.util.regex.Matcher names = java.util.regex.Pattern.compile("\\{(\\w+)}").matcher(template);
            while (names.find()) {
                parameters.add(names.group(1));
            }
            for (String parameter : parameters) {
                Map<String, Object[]> values = new LinkedHashMap<>();
                values.put("NUL", new Object[] {"pr_a%00b", 400, parameter + " must not contain control characters"});
                values.put("a control character", new Object[] {"pr_a%01b", 400, parameter + " must not contain control characters"});
                values.put("a line break", new Object[] {"pr_a%0Ab", 400, parameter + " must not contain control characters"});
                values.put("1,000 characters", new Object[] {long1000, 400, parameter + " is longer than 512 characters"});
                if (parameter.equals("id") || parameter.endsWith("Id")) {
                    values.put("not a UUID", new Object[] {"not-a-uuid", 404, parameter + " must be a UUID"});
                    values.put("a UUID with a stray character", new Object[] {"00000000-0000-0000-0000-00000000000g", 404,
                            parameter + " must be a UUID"});
                    values.put("a short UUID", new Object[] {"1-2-3-4-5", 404, parameter + " must be a UUID"});
                }
                values.forEach((name, value) -> {
                    String path = template;
                    for (String other : parameters) {
                        path = path.replace("{" + other + "}", other.equals(parameter) ? (String) value[0] : valid(other, template));
                    }
                    String expected = (String) value[2];
                    cases.add(Arguments.of(method + " " + template + ": " + parameter + " with " + name,
                            new Case(method, path, endpoint[2] == null ? null : JSON, endpoint[2], (int) value[1],
                                    value[1].equals(404) ? null : expected), expected));
                });
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedPathParameters")
    void aMalformedPathParameterIsRefusedNamingItAndChangesNothing(String name, Case refused, String naming) {
        Fixture fixture = fixture();
        Map<String, Long> before = GatewayRows.count(pool);

        Answer answer = RawHttp.send(refused.method(), fixture.expand(refused.path()), fixture.headers(),
                refused.contentType(), refused.body() == null ? null : fixture.expand(refused.body()), false);

        assertEquals(refused.status(), answer.status(), answer.body());
        assertErrorStartsWith(refused.errorStart() == null ? "" : refused.errorStart(), answer);
        assertTrue(errorOf(answer).endsWith(naming), answer.body());
        assertEquals(before, GatewayRows.count(pool), "rows changed");
    }

    @Test
    void anUploadWithAMalformedSlugIsRefusedLikeTheOthers() {
        Fixture fixture = fixture();
        Map<String, Long> before = GatewayRows.count(pool);
        String boundary = "strict-boundary";
        String form = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"files[0]\"; filename=\"a.txt\"\r\n"
                + "Content-Type: text/plain\r\n\r\nhello\r\n--" + boundary + "--\r\n";

        Answer answer = RawHttp.send("POST", "/api/v1/knowledge-bases/kb_a%00b/documents", fixture.headers(),
                "multipart/form-data; boundary=" + boundary, form, false);

        assertEquals(400, answer.status(), answer.body());
        assertErrorStartsWith("slug must not contain control characters", answer);
        assertEquals(before, GatewayRows.count(pool), "rows changed");
    }

    /**
     * Listings read their query strictly, each refusal a 400 naming the parameter. The delivery log's is read here,
     * not by webhook-dispatcher (which these tests do not run): a refusal that reached it would be a 503.
     */
    static Stream<Arguments> malformedQueries() {
        String log = "/manage/v1/webhooks/{webhook}/deliveries";
        return Stream.of(
                Arguments.of("/manage/v1/prompts?archived=yes", "archived must be one of true, false"),
                Arguments.of("/manage/v1/workflows?archived=1", "archived must be one of true, false"),
                Arguments.of("/manage/v1/prompts?archived=true&archived=false", "query parameter archived is given more than once"),
                Arguments.of("/manage/v1/prompts?archive=true", "unknown query parameter archive (known: archived)"),
                Arguments.of(log + "?status=bogus", "status must be one of pending, sending, delivered, failed, missed"),
                Arguments.of(log + "?limit=0", "limit must be an integer from 1 to 500"),
                Arguments.of(log + "?limit=501", "limit must be an integer from 1 to 500"),
                Arguments.of(log + "?limit=ten", "limit must be an integer from 1 to 500"),
                Arguments.of(log + "?limit=5&limit=6", "query parameter limit is given more than once"),
                Arguments.of(log + "?before=yesterday", "before must be an ISO-8601 time with offset"),
                Arguments.of(log + "?state=failed", "unknown query parameter state (known: before, limit, status)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedQueries")
    void aMalformedQueryOfAListingIsA400NamingIt(String path, String error) {
        Fixture fixture = fixture();

        Answer answer = RawHttp.send("GET", fixture.expand(path), fixture.headers(), null, null, false);

        assertEquals(400, answer.status(), answer.body());
        assertErrorStartsWith(error, answer);
    }

    private static TypedField field(String field, String body) {
        return new TypedField(field, body);
    }

    private static Case refused(BodyEndpoint endpoint, String contentType, String body, int status, String errorStart) {
        return new Case(endpoint.method(), endpoint.path(), contentType, body, status, errorStart);
    }

    static void assertErrorStartsWith(String start, Answer answer) {
        assertNotNull(answer.contentType(), "no Content-Type: " + answer.body());
        assertTrue(answer.contentType().startsWith("application/json"), answer.contentType());
        String error = errorOf(answer);
        assertFalse(error.isBlank(), answer.body());
        assertTrue(error.startsWith(start), "expected an error starting with \"" + start + "\": " + answer.body());
    }

    static String errorOf(Answer answer) {
        JsonObject body = new JsonObject(answer.body());
        assertEquals(1, body.size(), "only {\"error\"}: " + answer.body());
        return body.getString("error");
    }
}
