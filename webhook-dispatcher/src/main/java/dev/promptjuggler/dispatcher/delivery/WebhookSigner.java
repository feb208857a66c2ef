package dev.promptjuggler.dispatcher.delivery;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The {@code PromptJuggler-Signature} header: {@code t=<unix seconds>,v1=<hex HMAC-SHA256>}, keyed by
 * the endpoint's secret (UTF-8) over {@code <t>.<raw body>}, as the SDKs' verifyWebhookSignature checks.
 */
public final class WebhookSigner {

    public static final String HEADER = "PromptJuggler-Signature";

    private WebhookSigner() {
    }

    public static String signatureHeader(String secret, long unixSeconds, String body) {
        return signatureHeader(List.of(secret), unixSeconds, body);
    }

    /**
     * One {@code v1} per secret, in the order given. During a rotation the caller passes the retiring
     * secrets first and the current one last: the SDKs' verifyWebhookSignature reads only the last
     * {@code v1}, so receivers that already use the new secret verify with it, while receivers that
     * check every {@code v1} accept either.
     */
    public static String signatureHeader(List<String> secrets, long unixSeconds, String body) {
        String signed = unixSeconds + "." + body;
        StringBuilder header = new StringBuilder("t=").append(unixSeconds);
        for (String secret : secrets) {
            header.append(",v1=").append(hmacHex(secret, signed));
        }
        return header.toString();
    }

    private static String hmacHex(String secret, String message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JRE", e);
        }
    }
}
