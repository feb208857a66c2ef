package dev.promptjuggler.contracts.secret;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encryption at rest of secret values (environment variables, per-run overrides): AES-256-GCM with a
 * random 96-bit nonce per value. The associated data binds a ciphertext to its owner (for example the
 * tenant and variable key), so a ciphertext copied to another row does not decrypt. The gateway
 * encrypts, the executor decrypts; both are given the same key.
 *
 * <p>Stored form: {@code v1:<base64(nonce || ciphertext || tag)>}; the prefix names the format so the
 * key or algorithm can be rotated later.
 */
public final class SecretCipher {

    private static final String FORMAT = "v1:";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKeySpec key;
    private final SecureRandom random = new SecureRandom();

    /** @param base64Key 32 random bytes, base64-encoded */
    public SecretCipher(String base64Key) {
        byte[] raw = Base64.getDecoder().decode(base64Key);
        if (raw.length != 32) {
            throw new IllegalArgumentException("the secrets key must be 32 bytes (base64), got " + raw.length);
        }
        this.key = new SecretKeySpec(raw, "AES");
    }

    public String encrypt(String plaintext, String associatedData) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        byte[] sealed = run(Cipher.ENCRYPT_MODE, nonce, associatedData, plaintext.getBytes(StandardCharsets.UTF_8));
        return FORMAT + Base64.getEncoder().encodeToString(ByteBuffer.allocate(nonce.length + sealed.length)
                .put(nonce).put(sealed).array());
    }

    public String decrypt(String stored, String associatedData) {
        if (!stored.startsWith(FORMAT)) {
            throw new IllegalArgumentException("not a v1 secret");
        }
        byte[] all = Base64.getDecoder().decode(stored.substring(FORMAT.length()));
        byte[] nonce = java.util.Arrays.copyOf(all, NONCE_BYTES);
        byte[] sealed = java.util.Arrays.copyOfRange(all, NONCE_BYTES, all.length);
        return new String(run(Cipher.DECRYPT_MODE, nonce, associatedData, sealed), StandardCharsets.UTF_8);
    }

    private byte[] run(int mode, byte[] nonce, String associatedData, byte[] input) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associatedData.getBytes(StandardCharsets.UTF_8));
            return cipher.doFinal(input);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("secret could not be " + (mode == Cipher.ENCRYPT_MODE ? "encrypted" : "decrypted"), e);
        }
    }
}
