package dev.promptjuggler.dispatcher.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

class WebhookSignerTest {

    private static final String SECRET = "whsec_5WbX5kEWLlfzsGNjH64I8lOOqUB6e8FH";
    private static final String BODY =
            "{\"event\":\"promptrun.finished\",\"id\":\"0f9c2a4e-5b1d-4c3e-9a7f-2d8e6b1c4a90\",\"status\":\"completed\"}";

    /** The expected value was computed independently, and accepted by the official SDK's verifyWebhookSignature. */
    @Test
    void knownVector() {
        assertEquals("t=1700000000,v1=d300ce26d93b7f0bb5c8767bcca41b51fb8d2b3d197a2d5e7462650a58f15290",
                WebhookSigner.signatureHeader(SECRET, 1_700_000_000L, BODY));
    }

    @Test
    void signatureCoversTimestampBodyAndSecret() {
        String original = WebhookSigner.signatureHeader(SECRET, 1_700_000_000L, BODY);

        assertNotEquals(hex(original), hex(WebhookSigner.signatureHeader(SECRET, 1_700_000_001L, BODY)));
        assertNotEquals(hex(original), hex(WebhookSigner.signatureHeader(SECRET, 1_700_000_000L, BODY + " ")));
        assertNotEquals(hex(original), hex(WebhookSigner.signatureHeader(SECRET + "x", 1_700_000_000L, BODY)));
    }

    @Test
    void duringARotationEverySecretSignsInTheGivenOrder() {
        String old = "whsec_old";
        String header = WebhookSigner.signatureHeader(java.util.List.of(old, SECRET), 1_700_000_000L, BODY);

        assertEquals("t=1700000000,v1=" + hex(WebhookSigner.signatureHeader(old, 1_700_000_000L, BODY))
                + ",v1=d300ce26d93b7f0bb5c8767bcca41b51fb8d2b3d197a2d5e7462650a58f15290", header);
    }

    private static String hex(String header) {
        return header.substring(header.indexOf("v1=") + 3);
    }
}
