package dev.promptjuggler.dispatcher.delivery;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
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
        return "t=" + unixSeconds + ",v1=" + hmacHex(secret, unixSeconds + "." + body);
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
