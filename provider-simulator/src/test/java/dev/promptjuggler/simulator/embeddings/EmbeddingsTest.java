package dev.promptjuggler.simulator.embeddings;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What an OpenAI client sees when talking to the simulated {@code POST /v1/embeddings}. */
@QuarkusTest
class EmbeddingsTest {

    private static ValidatableResponse post(String body) {
        return given().header("Authorization", "Bearer sk-test").contentType(ContentType.JSON).body(body)
                .when().post("/v1/embeddings").then();
    }

    private static float[] vector(List<Float> values) {
        float[] vector = new float[values.size()];
        for (int i = 0; i < vector.length; i++) {
            vector[i] = values.get(i);
        }
        return vector;
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
        }
        return dot;
    }

    @Test
    void anArrayOfTextsGetsUnitVectorsOfTheAskedSizeInOrderWithUsage() {
        var response = post("{\"model\":\"text-embedding-3-small\",\"dimensions\":256,\"input\":["
                + "\"Refunds are paid within 14 days\",\"How many days until refunds are paid?\","
                + "\"The office cat is called Pixel\"]}")
                .statusCode(200)
                .contentType(ContentType.JSON)
                .body("object", equalTo("list"))
                .body("model", equalTo("text-embedding-3-small"))
                .body("data", hasSize(3))
                .body("data.index", equalTo(List.of(0, 1, 2)))
                .body("data[0].object", equalTo("embedding"))
                .body("data[0].embedding", hasSize(256))
                .body("usage.prompt_tokens", equalTo(19))
                .body("usage.total_tokens", equalTo(19))
                .extract().jsonPath();
        float[] refunds = vector(response.getList("data[0].embedding", Float.class));
        float[] question = vector(response.getList("data[1].embedding", Float.class));
        float[] cat = vector(response.getList("data[2].embedding", Float.class));
        assertEquals(1.0, cosine(refunds, refunds), 1e-5);
        assertTrue(cosine(refunds, question) > cosine(cat, question) + 0.3, "shared words score higher");

        float[] again = vector(post("{\"model\":\"text-embedding-3-small\",\"dimensions\":256,"
                + "\"input\":\"Refunds are paid within 14 days\"}").statusCode(200)
                .extract().jsonPath().getList("data[0].embedding", Float.class));
        assertArrayEquals(refunds, again, "deterministic");
    }

    @Test
    void defaultSizeAndBase64AsOpenAiEncodesIt() {
        post("{\"model\":\"text-embedding-3-small\",\"input\":\"hello\"}").statusCode(200)
                .body("data[0].embedding", hasSize(1536));
        String encoded = post("{\"model\":\"text-embedding-3-large\",\"input\":\"hello\",\"encoding_format\":\"base64\"}")
                .statusCode(200).extract().jsonPath().getString("data[0].embedding");
        ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(encoded)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(3072 * Float.BYTES, bytes.remaining());
        float[] decoded = new float[3072];
        bytes.asFloatBuffer().get(decoded);
        assertArrayEquals(HashedBagOfWords.embed("hello", 3072), decoded);
    }

    @Test
    void badRequestsGetOpenAiErrorsNamingTheParameter() {
        given().contentType(ContentType.JSON).body("{\"model\":\"m\",\"input\":\"x\"}").when().post("/v1/embeddings")
                .then().statusCode(401).body("error.code", equalTo("invalid_api_key"));
        post("{\"input\":\"x\"}").statusCode(400).body("error.param", equalTo("model"))
                .body("error.type", equalTo("invalid_request_error"));
        post("{\"model\":\"m\"}").statusCode(400).body("error.param", equalTo("input"));
        post("{\"model\":\"m\",\"input\":[]}").statusCode(400).body("error.param", equalTo("input"));
        post("{\"model\":\"m\",\"input\":[\"\"]}").statusCode(400).body("error.param", equalTo("input"));
        post("{\"model\":\"m\",\"input\":[[1,2]]}").statusCode(400).body("error.code", equalTo("unsupported_value"));
        post("{\"model\":\"m\",\"input\":\"x\",\"dimensions\":0}").statusCode(400).body("error.param", equalTo("dimensions"));
        post("{\"model\":\"m\",\"input\":\"x\",\"encoding_format\":\"hex\"}").statusCode(400)
                .body("error.param", equalTo("encoding_format"));
    }
}
