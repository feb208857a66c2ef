package dev.promptjuggler.simulator.embeddings;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.zip.CRC32C;

/**
 * Deterministic stand-in for an embedding model: a hashed bag of words (the "hashing trick"). Each word,
 * lower-cased, with a trailing plural {@code s} dropped, adds ±1 at the coordinate its CRC-32C picks (the low
 * 31 bits choose the coordinate, the top bit the sign); the vector is then scaled to unit length. Texts that
 * share words therefore have a higher cosine than texts that do not, which is all a retrieval test needs;
 * there is no notion of meaning beyond shared words. A text without a word gets the first unit vector.
 */
final class HashedBagOfWords {

    private HashedBagOfWords() {
    }

    static float[] embed(String text, int dimensions) {
        float[] vector = new float[dimensions];
        for (String word : words(text)) {
            CRC32C crc = new CRC32C();
            crc.update(word.getBytes(StandardCharsets.UTF_8));
            long hash = crc.getValue();
            int coordinate = (int) ((hash & 0x7fffffffL) % dimensions);
            vector[coordinate] += (hash & 0x80000000L) == 0 ? 1f : -1f;
        }
        double norm = 0;
        for (float value : vector) {
            norm += value * value;
        }
        if (norm == 0) {
            vector[0] = 1f;
            return vector;
        }
        float scale = (float) (1 / Math.sqrt(norm));
        for (int i = 0; i < dimensions; i++) {
            vector[i] *= scale;
        }
        return vector;
    }

    /** Words as the simulator counts them for {@code usage}: runs of letters and digits. */
    static String[] words(String text) {
        String[] words = text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+");
        int kept = 0;
        for (String word : words) {
            if (!word.isEmpty()) {
                words[kept++] = word.length() > 3 && word.endsWith("s") ? word.substring(0, word.length() - 1) : word;
            }
        }
        return Arrays.copyOf(words, kept);
    }
}
