package dev.promptjuggler.simulator.shared;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Deterministic helpers shared by every provider format: the simulator's crude token count and stable ids.
 */
public final class SimulatedText {

    private SimulatedText() {
    }

    /**
     * The simulator's crude "token" count: the number of whitespace-separated words in {@code text}.
     * {@code null}, empty and all-whitespace text count 0. Real tokenizers differ; this only needs to be
     * predictable so tests can assert exact usage numbers.
     */
    public static int countWords(String text) {
        if (text == null) {
            return 0;
        }
        int words = 0;
        boolean inWord = false;
        for (int i = 0; i < text.length(); i++) {
            boolean whitespace = Character.isWhitespace(text.charAt(i));
            if (!whitespace && !inWord) {
                words++;
            }
            inWord = !whitespace;
        }
        return words;
    }

    /**
     * A stable lowercase hex digest (SHA-256, truncated to {@code hexChars} characters) of {@code bytes}: the
     * same request body always yields the same id.
     */
    public static String hexDigest(byte[] bytes, int hexChars) {
        if (hexChars < 1 || hexChars > 64) {
            throw new IllegalArgumentException("hexChars must be 1..64, was " + hexChars);
        }
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(bytes);
            return HexFormat.of().formatHex(hash).substring(0, hexChars);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available in the JDK", e);
        }
    }
}
