package dev.promptjuggler.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.promptjuggler.contracts.secret.SecretCipher;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class SecretCipherTest {

    private final SecretCipher cipher = new SecretCipher(Base64.getEncoder().encodeToString(new byte[32]));

    @Test
    void roundTripsAndNeverShowsThePlaintext() {
        String stored = cipher.encrypt("sk-live-123", "tenant-1/OPENAI_API_KEY");

        assertTrue(stored.startsWith("v1:"));
        assertFalse(stored.contains("sk-live-123"));
        assertEquals("sk-live-123", cipher.decrypt(stored, "tenant-1/OPENAI_API_KEY"));
        assertNotEquals(stored, cipher.encrypt("sk-live-123", "tenant-1/OPENAI_API_KEY"), "a fresh nonce per value");
    }

    @Test
    void aCiphertextMovedToAnotherOwnerOrTamperedWithDoesNotDecrypt() {
        String stored = cipher.encrypt("sk-live-123", "tenant-1/OPENAI_API_KEY");

        assertThrows(IllegalStateException.class, () -> cipher.decrypt(stored, "tenant-2/OPENAI_API_KEY"));
        String tampered = stored.substring(0, stored.length() - 2) + (stored.endsWith("A=") ? "B=" : "A=");
        assertThrows(IllegalStateException.class, () -> cipher.decrypt(tampered, "tenant-1/OPENAI_API_KEY"));
        SecretCipher otherKey = new SecretCipher(Base64.getEncoder().encodeToString(new byte[] {
            1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32}));
        assertThrows(IllegalStateException.class, () -> otherKey.decrypt(stored, "tenant-1/OPENAI_API_KEY"));
    }

    @Test
    void refusesAKeyOfTheWrongLength() {
        assertThrows(IllegalArgumentException.class, () -> new SecretCipher(Base64.getEncoder().encodeToString(new byte[16])));
    }
}
