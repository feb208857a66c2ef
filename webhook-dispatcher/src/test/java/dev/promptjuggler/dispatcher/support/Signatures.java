package dev.promptjuggler.dispatcher.support;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A receiver's check of {@code PromptJuggler-Signature}, written from the API contract independently
 * of the dispatcher's signer (same algorithm as the SDKs' verifyWebhookSignature, which the end-to-end
 * tests run for real).
 */
public final class Signatures {

    private Signatures() {
    }

    /** The {@code v1} values of a header, in order. */
    public static List<String> v1(String header) {
        List<String> values = new ArrayList<>();
        for (String part : header.split(",")) {
            if (part.startsWith("v1=")) {
                values.add(part.substring(3));
            }
        }
        return values;
    }

    public static long timestamp(String header) {
        for (String part : header.split(",")) {
            if (part.startsWith("t=")) {
                return Long.parseLong(part.substring(2));
            }
        }
        throw new AssertionError("no t= in " + header);
    }

    /** True when some {@code v1} of the header is the HMAC of {@code t.body} under {@code secret}. */
    public static boolean verifies(String header, String body, String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] expected = mac.doFinal((timestamp(header) + "." + body).getBytes(StandardCharsets.UTF_8));
            return v1(header).stream().anyMatch(v1 -> MessageDigest.isEqual(expected, HexFormat.of().parseHex(v1)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
