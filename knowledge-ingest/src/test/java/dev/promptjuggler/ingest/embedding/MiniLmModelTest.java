package dev.promptjuggler.ingest.embedding;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The batched encoder gives the vectors of the reference implementation (one text per inference). */
class MiniLmModelTest {

    private static MiniLmModel model;

    @BeforeAll
    static void load() {
        model = new MiniLmModel(0);
    }

    @AfterAll
    static void close() throws Exception {
        model.close();
    }

    @Test
    void batchedVectorsEqualTheReferenceModelsVectors() {
        var reference = new AllMiniLmL6V2QuantizedEmbeddingModel();
        List<String> texts = List.of("Refunds are paid within 14 days of the return.",
                "The warranty covers manufacturing defects for two years, not accidental damage or wear.",
                "Hi");
        List<float[]> batched = model.embed(texts);

        assertEquals(3, batched.size());
        for (int i = 0; i < texts.size(); i++) {
            float[] expected = reference.embed(texts.get(i)).content().vector();
            assertEquals(MiniLmModel.DIMENSIONS, batched.get(i).length);
            assertTrue(cosine(expected, model.embed(List.of(texts.get(i))).get(0)) > 0.99999, "text " + i + " alone");
            // Dynamic quantization scales activations per batch, so batch-mates move a vector slightly.
            assertTrue(cosine(expected, batched.get(i)) > 0.99, "text " + i + " in a batch");
        }
    }

    @Test
    void similarMeaningIsCloserThanUnrelatedText() {
        List<float[]> vectors = model.embed(List.of("How long do refunds take?",
                "Refunds are paid within 14 days of the return.", "The office cat is called Pixel."));
        assertTrue(cosine(vectors.get(0), vectors.get(1)) > cosine(vectors.get(0), vectors.get(2)) + 0.2);
    }

    @Test
    void tokenCountsAddUpOverWordsAndExcludeSpecialTokens() {
        String sentence = "Unbelievably, the café's Wi-Fi password (v2.1) changed!";
        int whole = model.count(List.of(sentence))[0];
        int sum = 0;
        for (int count : model.count(List.of(sentence.split("\\s+")))) {
            sum += count;
        }
        assertEquals(whole, sum, "chunking sums word counts, so they must add up to the text's count");
        assertEquals(2, model.count(List.of("hello world"))[0]);
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
