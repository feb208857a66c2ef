package dev.promptjuggler.simulator.shared;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SimulatedTextTest {

    @Test
    void countsWhitespaceSeparatedWords() {
        assertEquals(0, SimulatedText.countWords(null));
        assertEquals(0, SimulatedText.countWords(""));
        assertEquals(0, SimulatedText.countWords(" \t\n "));
        assertEquals(1, SimulatedText.countWords("word"));
        assertEquals(3, SimulatedText.countWords("  one\ttwo\n\nthree  "));
        assertEquals(2, SimulatedText.countWords("[simulated gpt-4o-mini]"));
    }

    @Test
    void hexDigestIsStableAndSensitive() {
        byte[] a = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
        assertEquals(SimulatedText.hexDigest(a, 32), SimulatedText.hexDigest(a.clone(), 32));
        assertEquals(32, SimulatedText.hexDigest(a, 32).length());
        assertNotEquals(SimulatedText.hexDigest(a, 32),
                SimulatedText.hexDigest("{\"a\":2}".getBytes(StandardCharsets.UTF_8), 32));
    }
}
