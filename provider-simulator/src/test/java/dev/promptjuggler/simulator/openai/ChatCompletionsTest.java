package dev.promptjuggler.simulator.openai;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.aMapWithSize;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import org.junit.jupiter.api.Test;

/** What an OpenAI client sees when talking to the simulated {@code POST /v1/chat/completions}. */
@QuarkusTest
class ChatCompletionsTest {

    private static final String PATH = "/v1/chat/completions";

    private static ValidatableResponse post(String body) {
        return given().header("Authorization", "Bearer sk-test")
                .contentType(ContentType.JSON)
                .body(body)
                .when().post(PATH)
                .then();
    }

    private static void assertOpenAiError(ValidatableResponse response, int status, String param) {
        response.statusCode(status)
                .contentType(ContentType.JSON)
                .body("error", aMapWithSize(4))
                .body("error.message", matchesPattern("(?s).+"))
                .body("error.type", equalTo("invalid_request_error"))
                .body("error", hasKey("param"))
                .body("error.param", equalTo(param))
                .body("error", hasKey("code"));
    }

    @Test
    void successfulCallHasOpenAiShapeAndDeterministicContentAndUsage() {
        post("""
                {"model":"gpt-4o-mini",
                 "messages":[{"role":"system","content":"You are terse."},
                             {"role":"user","content":"Say hello to the world"}],
                 "max_completion_tokens":50,"temperature":0.2,"top_p":1,
                 "response_format":{"type":"text"},"user":"u-1","some_future_field":{"x":1}}
                """)
                .statusCode(200)
                .contentType(ContentType.JSON)
                .body("id", matchesPattern("chatcmpl-[0-9a-f]{32}"))
                .body("object", equalTo("chat.completion"))
                .body("created", greaterThan(1_700_000_000))
                .body("model", equalTo("gpt-4o-mini"))
                .body("system_fingerprint", equalTo("fp_simulator"))
                .body("choices.size()", equalTo(1))
                .body("choices[0].index", equalTo(0))
                .body("choices[0].message.role", equalTo("assistant"))
                .body("choices[0].message.content", equalTo("[simulated gpt-4o-mini] Say hello to the world"))
                .body("choices[0].message", hasKey("refusal"))
                .body("choices[0].message.refusal", nullValue())
                .body("choices[0]", hasKey("logprobs"))
                .body("choices[0].logprobs", nullValue())
                .body("choices[0].finish_reason", equalTo("stop"))
                // prompt: "You are terse." (3) + "Say hello to the world" (5) = 8 words
                .body("usage.prompt_tokens", equalTo(8))
                // reply: "[simulated" "gpt-4o-mini]" + 5 words = 7 words
                .body("usage.completion_tokens", equalTo(7))
                .body("usage.total_tokens", equalTo(15))
                .body("usage.prompt_tokens_details.cached_tokens", equalTo(0))
                .body("usage.completion_tokens_details.reasoning_tokens", equalTo(0));
    }

    @Test
    void sameRequestTwiceGivesSameIdAndContent() {
        String body = """
                {"model":"gpt-4o","messages":[{"role":"user","content":"determinism please"}]}""";
        var first = post(body).statusCode(200).extract();
        var second = post(body).statusCode(200).extract();
        assertEquals(first.path("id").toString(), second.path("id").toString());
        assertEquals(first.path("choices[0].message.content").toString(),
                second.path("choices[0].message.content").toString());

        var other = post(body.replace("determinism please", "something else")).statusCode(200).extract();
        assertNotEquals(first.path("id").toString(), other.path("id").toString());
    }

    @Test
    void replyEchoesTheLastUserMessageAmongSeveralRoles() {
        post("""
                {"model":"gpt-4o-mini","messages":[
                  {"role":"developer","content":"Be helpful."},
                  {"role":"user","content":"first question"},
                  {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function",
                     "function":{"name":"lookup","arguments":"{}"}}]},
                  {"role":"tool","tool_call_id":"call_1","content":"tool output here"},
                  {"role":"assistant","content":"first answer"},
                  {"role":"user","content":"second question"}
                ]}""")
                .statusCode(200)
                .body("choices[0].message.content", equalTo("[simulated gpt-4o-mini] second question"))
                // 2 + 2 + 0 + 3 + 2 + 2 words
                .body("usage.prompt_tokens", equalTo(11))
                .body("usage.completion_tokens", equalTo(4))
                .body("usage.total_tokens", equalTo(15));
    }

    @Test
    void contentGivenAsArrayOfTextParts() {
        post("""
                {"model":"gpt-4.1","messages":[{"role":"user","content":[
                  {"type":"text","text":"Describe"},
                  {"type":"image_url","image_url":{"url":"https://example.invalid/cat.png"}},
                  {"type":"text","text":"this picture"}
                ]}]}""")
                .statusCode(200)
                .body("choices[0].message.content", equalTo("[simulated gpt-4.1] Describe this picture"))
                .body("usage.prompt_tokens", equalTo(3))
                .body("usage.completion_tokens", equalTo(5))
                .body("usage.total_tokens", equalTo(8));
    }

    @Test
    void noUserMessageGivesJustThePrefix() {
        post("""
                {"model":"m","messages":[{"role":"system","content":"only a system prompt"}]}""")
                .statusCode(200)
                .body("choices[0].message.content", equalTo("[simulated m] "))
                .body("usage.prompt_tokens", equalTo(4))
                .body("usage.completion_tokens", equalTo(2));
    }

    @Test
    void latencyOverrideHeaderIsAccepted() {
        given().header("Authorization", "Bearer sk-test")
                .header("X-Simulator-Latency-Ms", "5")
                .contentType(ContentType.JSON)
                .body("""
                        {"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}""")
                .when().post(PATH)
                .then().statusCode(200)
                .body("choices[0].message.content", equalTo("[simulated gpt-4o-mini] hi"));
    }

    @Test
    void invalidLatencyOverrideHeaderIs400() {
        var response = given().header("Authorization", "Bearer sk-test")
                .header("X-Simulator-Latency-Ms", "soon")
                .contentType(ContentType.JSON)
                .body("""
                        {"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}""")
                .when().post(PATH)
                .then();
        assertOpenAiError(response, 400, null);
    }

    @Test
    void missingAuthorizationIs401() {
        var response = given().contentType(ContentType.JSON)
                .body("""
                        {"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}""")
                .when().post(PATH)
                .then();
        assertOpenAiError(response, 401, null);
        response.body("error.code", equalTo("invalid_api_key"));
    }

    @Test
    void emptyBearerTokenIs401() {
        var response = given().header("Authorization", "Bearer ")
                .contentType(ContentType.JSON)
                .body("""
                        {"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}""")
                .when().post(PATH)
                .then();
        assertOpenAiError(response, 401, null);
        response.body("error.code", equalTo("invalid_api_key"));
    }

    @Test
    void missingModelIs400WithParamModel() {
        assertOpenAiError(post("""
                {"messages":[{"role":"user","content":"hi"}]}"""), 400, "model");
    }

    @Test
    void nonStringModelIs400WithParamModel() {
        assertOpenAiError(post("""
                {"model":42,"messages":[{"role":"user","content":"hi"}]}"""), 400, "model");
    }

    @Test
    void missingMessagesIs400WithParamMessages() {
        assertOpenAiError(post("""
                {"model":"gpt-4o-mini"}"""), 400, "messages");
    }

    @Test
    void emptyMessagesIs400WithParamMessages() {
        assertOpenAiError(post("""
                {"model":"gpt-4o-mini","messages":[]}"""), 400, "messages");
    }

    @Test
    void invalidRoleIs400WithParamNamingTheMessage() {
        assertOpenAiError(post("""
                {"model":"gpt-4o-mini","messages":[{"role":"user","content":"a"},{"role":"robot","content":"b"}]}"""),
                400, "messages[1].role");
    }

    @Test
    void invalidContentTypeIs400WithParamNamingTheContent() {
        assertOpenAiError(post("""
                {"model":"gpt-4o-mini","messages":[{"role":"user","content":7}]}"""),
                400, "messages[0].content");
    }

    @Test
    void wronglyTypedOptionalFieldIs400WithParam() {
        assertOpenAiError(post("""
                {"model":"gpt-4o-mini","messages":[{"role":"user","content":"a"}],"max_tokens":"lots"}"""),
                400, "max_tokens");
    }

    @Test
    void streamMustBeABoolean() {
        assertOpenAiError(post("""
                {"model":"gpt-4o-mini","stream":"yes","messages":[{"role":"user","content":"hi"}]}"""), 400, "stream");
    }

    @Test
    void streamFalseIsFine() {
        post("""
                {"model":"gpt-4o-mini","stream":false,"messages":[{"role":"user","content":"hi"}]}""")
                .statusCode(200);
    }

    @Test
    void malformedJsonIs400InOpenAiShape() {
        assertOpenAiError(post("{\"model\": \"gpt-4o-mini\", \"messages\": ["), 400, null);
    }

    @Test
    void nonObjectBodyIs400InOpenAiShape() {
        assertOpenAiError(post("[1,2,3]"), 400, null);
    }

    @Test
    void unknownPathIs404InOpenAiShape() {
        var response = given().header("Authorization", "Bearer sk-test")
                .contentType(ContentType.JSON)
                .body("{}")
                .when().post("/v1/no-such-endpoint")
                .then();
        assertOpenAiError(response, 404, null);
    }
}
