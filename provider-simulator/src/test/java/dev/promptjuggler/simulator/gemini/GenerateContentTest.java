package dev.promptjuggler.simulator.gemini;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import org.junit.jupiter.api.Test;

/** What a Gemini client sees when talking to the simulated {@code POST /v1beta/models/{model}:generateContent}. */
@QuarkusTest
class GenerateContentTest {

    private static ValidatableResponse post(String model, String body) {
        return given().header("x-goog-api-key", "gemini-test").contentType(ContentType.JSON).body(body)
                .when().post("/v1beta/models/" + model + ":generateContent").then();
    }

    @Test
    void answersInGeminisShapeWithUsage() {
        post("gemini-2.5-flash", """
                {"systemInstruction":{"parts":[{"text":"Be brief"}]},
                 "contents":[{"role":"user","parts":[{"text":"Hello there"}]}],
                 "generationConfig":{"maxOutputTokens":50,"temperature":0.2}}""")
                .statusCode(200)
                .body("candidates[0].content.role", equalTo("model"))
                .body("candidates[0].content.parts[0].text", equalTo("[simulated gemini-2.5-flash] Hello there"))
                .body("candidates[0].finishReason", equalTo("STOP"))
                .body("usageMetadata.promptTokenCount", equalTo(4))
                .body("usageMetadata.candidatesTokenCount", equalTo(4))
                .body("usageMetadata.totalTokenCount", equalTo(8))
                .body("modelVersion", equalTo("gemini-2.5-flash"));
    }

    @Test
    void functionCallsJsonModeAndGrounding() {
        post("gemini-2.5-flash", """
                {"tools":[{"functionDeclarations":[{"name":"lookup"}]}],
                 "contents":[{"role":"user","parts":[{"text":"@tool lookup {\\"id\\":7}"}]}]}""")
                .statusCode(200)
                .body("candidates[0].content.parts[0].functionCall.name", equalTo("lookup"))
                .body("candidates[0].content.parts[0].functionCall.args.id", equalTo(7))
                .body("candidates[0].content.parts[0].thoughtSignature", notNullValue());
        post("gemini-2.5-flash", """
                {"contents":[{"role":"user","parts":[{"text":"Go"}]},
                   {"role":"model","parts":[{"functionCall":{"name":"lookup","args":{}}}]},
                   {"role":"user","parts":[{"functionResponse":{"name":"lookup","response":{"result":"42"}}}]}]}""")
                .statusCode(200)
                .body("candidates[0].content.parts[0].text", equalTo("[simulated gemini-2.5-flash] lookup: 42"));
        post("gemini-2.5-flash", """
                {"tools":[{"google_search":{}}],"generationConfig":{"responseMimeType":"application/json"},
                 "contents":[{"role":"user","parts":[{"text":"news"}]}]}""")
                .statusCode(200)
                .body("candidates[0].content.parts[0].text", equalTo("{\"reply\":\"[simulated gemini-2.5-flash] news\"}"))
                .body("candidates[0].groundingMetadata.webSearchQueries[0]", equalTo("news"))
                .body("candidates[0].groundingMetadata.groundingChunks[0].web.uri", equalTo("https://example.com/search?q=news"));
    }

    @Test
    void rejectsLikeGemini() {
        post("gemini-2.5-flash", "{\"contents\":[]}")
                .statusCode(400)
                .body("error.code", equalTo(400))
                .body("error.status", equalTo("INVALID_ARGUMENT"));
        given().contentType(ContentType.JSON).body("{}").when().post("/v1beta/models/gemini-2.5-flash:generateContent")
                .then().statusCode(403).body("error.status", equalTo("PERMISSION_DENIED"));
        post("gemini-2.5-flash", "{").statusCode(400).body("error.status", equalTo("INVALID_ARGUMENT"));
    }
}
