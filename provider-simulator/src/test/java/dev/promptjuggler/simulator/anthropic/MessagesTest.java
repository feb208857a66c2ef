package dev.promptjuggler.simulator.anthropic;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import org.junit.jupiter.api.Test;

/** What an Anthropic client sees when talking to the simulated {@code POST /v1/messages}. */
@QuarkusTest
class MessagesTest {

    private static ValidatableResponse post(String body) {
        return given().header("x-api-key", "sk-ant-test").header("anthropic-version", "2023-06-01")
                .contentType(ContentType.JSON).body(body).when().post("/v1/messages").then();
    }

    @Test
    void answersInAnthropicsShapeWithUsage() {
        post("""
                {"model":"claude-haiku-4-5","max_tokens":100,"system":"Be brief",
                 "messages":[{"role":"user","content":"Hello there"}]}""")
                .statusCode(200)
                .body("id", matchesPattern("msg_[0-9a-f]{24}"))
                .body("type", equalTo("message"))
                .body("role", equalTo("assistant"))
                .body("content[0].type", equalTo("text"))
                .body("content[0].text", equalTo("[simulated claude-haiku-4-5] Hello there"))
                .body("stop_reason", equalTo("end_turn"))
                .body("usage.input_tokens", equalTo(4))
                .body("usage.output_tokens", equalTo(4))
                .body("usage.cache_read_input_tokens", equalTo(0));
    }

    @Test
    void toolDirectivesBecomeToolUseBlocksAndToolResultsAreEchoed() {
        post("""
                {"model":"claude-haiku-4-5","max_tokens":100,"tools":[{"name":"lookup","input_schema":{"type":"object"}}],
                 "messages":[{"role":"user","content":[{"type":"text","text":"Go @tool lookup {\\"city\\":\\"Oslo\\"}"}]}]}""")
                .statusCode(200)
                .body("stop_reason", equalTo("tool_use"))
                .body("content[0].type", equalTo("tool_use"))
                .body("content[0].id", matchesPattern("toolu_[0-9a-f]{24}_0"))
                .body("content[0].name", equalTo("lookup"))
                .body("content[0].input.city", equalTo("Oslo"));
        post("""
                {"model":"claude-haiku-4-5","max_tokens":100,"tools":[{"name":"lookup","input_schema":{"type":"object"}}],
                 "messages":[{"role":"user","content":"Go"},
                   {"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"lookup","input":{}}]},
                   {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"cold"}]}]}""")
                .statusCode(200)
                .body("content[0].text", equalTo("[simulated claude-haiku-4-5] lookup: cold"));
    }

    @Test
    void structuredOutputAndWebSearch() {
        post("""
                {"model":"claude-haiku-4-5","max_tokens":100,"tools":[{"type":"web_search_20250305","name":"web_search"}],
                 "output_config":{"format":{"type":"json_schema","schema":{"type":"object",
                   "properties":{"ok":{"type":"boolean"}}}}},
                 "messages":[{"role":"user","content":"find it"}]}""")
                .statusCode(200)
                .body("content[0].type", equalTo("server_tool_use"))
                .body("content[0].input.query", equalTo("find it"))
                .body("content[1].type", equalTo("web_search_tool_result"))
                .body("content[1].content[0].title", equalTo("Simulated result"))
                .body("content[1].content[0].url", equalTo("https://example.com/search?q=find+it"))
                .body("content[2].text", equalTo("{\"ok\":false}"))
                .body("usage.server_tool_use.web_search_requests", equalTo(1));
    }

    @Test
    void rejectsLikeAnthropic() {
        post("""
                {"model":"claude-haiku-4-5","messages":[{"role":"user","content":"Hi"}]}""")
                .statusCode(400)
                .body("type", equalTo("error"))
                .body("error.type", equalTo("invalid_request_error"))
                .body("error.message", equalTo("max_tokens: Field required"));
        given().header("anthropic-version", "2023-06-01").contentType(ContentType.JSON).body("{}")
                .when().post("/v1/messages").then()
                .statusCode(401)
                .body("error.type", equalTo("authentication_error"));
        given().header("x-api-key", "k").contentType(ContentType.JSON).body("{}")
                .when().post("/v1/messages").then()
                .statusCode(400)
                .body("error.message", equalTo("anthropic-version: header is required"));
    }
}
