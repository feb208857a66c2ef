package dev.promptjuggler.ingest.embedding;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The batched encoder gives the vectors of the reference implementation (one text per inference). A Quarkus
 * test because the tokenizer's native library can be loaded by one class loader per JVM only.
 */
@QuarkusTest
class MiniLmModelTest {

    @Inject
    Embeddings embeddings;

    @Test
    void batchedVectorsEqualTheReferenceModelsVectors() {
        var reference = new AllMiniLmL6V2QuantizedEmbeddingModel();
        // Texts of similar length, as the service batches them (chunks sorted by length): padding stays small.
        List<String> texts = List.of("Refunds are paid within 14 days of the return.",
                "The warranty covers manufacturing defects for two years.",
                "Parcels leave our warehouse every weekday morning.");
        List<float[]> batched = embed(texts);

        assertEquals(3, batched.size());
        for (int i = 0; i < texts.size(); i++) {
            float[] expected = reference.embed(texts.get(i)).content().vector();
            assertEquals(MiniLmModel.DIMENSIONS, batched.get(i).length);
            assertTrue(cosine(expected, embed(List.of(texts.get(i))).get(0)) > 0.99999, "text " + i + " alone");
            // Dynamic quantization scales activations per batch, so batch-mates move a vector slightly.
            assertTrue(cosine(expected, batched.get(i)) > 0.99, "text " + i + " in a batch");
        }
    }

    @Test
    void similarMeaningIsCloserThanUnrelatedText() {
        List<float[]> vectors = embed(List.of("How long do refunds take?",
                "Refunds are paid within 14 days of the return.", "The office cat is called Pixel."));
        assertTrue(cosine(vectors.get(0), vectors.get(1)) > cosine(vectors.get(0), vectors.get(2)) + 0.2);
    }

    @Test
    void tokenCountsAddUpOverWordsAndExcludeSpecialTokens() {
        String sentence = "Unbelievably, the café's Wi-Fi password (v2.1) changed!";
        int whole = embeddings.tokenizer().count(List.of(sentence))[0];
        int sum = 0;
        for (int count : embeddings.tokenizer().count(List.of(sentence.split("\\s+")))) {
            sum += count;
        }
        assertEquals(whole, sum, "chunking sums word counts, so they must add up to the text's count");
        assertEquals(2, embeddings.tokenizer().count(List.of("hello world"))[0]);
    }

    /** The service's main starts reading the model before Quarkus boots: a model made from what it read is the same. */
    @Test
    void aModelMadeFromThePreloadedPartsEmbedsAsTheServicesModel() throws Exception {
        List<String> texts = List.of("Refunds are paid within 14 days of the return.", "hello world");
        List<float[]> expected = embed(texts);
        MiniLmModel.preload();
        try (MiniLmModel preloaded = new MiniLmModel(1)) {
            List<float[]> vectors = preloaded.embed(texts);
            for (int i = 0; i < texts.size(); i++) {
                assertArrayEquals(expected.get(i), vectors.get(i), 1e-5f, "text " + i);
            }
            assertArrayEquals(embeddings.tokenizer().count(texts), preloaded.count(texts));
        }
    }

    /** The model loads beside the service's start; readiness waits for it (and says so while it loads). */
    @Test
    void readinessWaitsForTheModel() {
        await().atMost(Duration.ofSeconds(60)).until(() -> embeddings.localModelLoaded());
        given().when().get("/q/health/ready")
                .then().statusCode(200)
                .body("checks.name", hasItem("embedding model"))
                .body("checks.find { it.name == 'embedding model' }.status", equalTo("UP"));
    }

    private List<float[]> embed(List<String> texts) {
        return embeddings.embedLocally(texts).await().atMost(Duration.ofSeconds(30));
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }
}
