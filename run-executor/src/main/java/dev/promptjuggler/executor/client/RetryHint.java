package dev.promptjuggler.executor.client;

import dev.promptjuggler.runtime.http.RetryAfter;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.core.MultiMap;
import java.time.Duration;
import java.time.Instant;

/**
 * How long a provider asked us to wait before the next attempt: OpenAI's {@code retry-after-ms}, HTTP's
 * {@code Retry-After} (seconds or a date; OpenAI, Anthropic), Gemini's {@code google.rpc.RetryInfo} in the body.
 */
public final class RetryHint {

    private RetryHint() {
    }

    /** @return the wait, or null when the answer carries no hint */
    public static Duration of(MultiMap headers, JsonObject body, Instant now) {
        Duration millis = millis(headers.get("retry-after-ms"));
        if (millis != null) {
            return millis;
        }
        Duration header = RetryAfter.parse(headers.get("Retry-After"), now);
        return header != null ? header : geminiRetryInfo(body);
    }

    /** Gemini: {@code error.details[] {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "30s"}}. */
    private static Duration geminiRetryInfo(JsonObject body) {
        if (body == null || !(body.getValue("error") instanceof JsonObject error)
                || !(error.getValue("details") instanceof JsonArray details)) {
            return null;
        }
        for (Object detail : details) {
            if (detail instanceof JsonObject info && String.valueOf(info.getValue("@type")).endsWith("google.rpc.RetryInfo")
                    && info.getValue("retryDelay") instanceof String delay && delay.endsWith("s")) {
                return RetryAfter.seconds(delay.substring(0, delay.length() - 1));
            }
        }
        return null;
    }

    private static Duration millis(String value) {
        if (value == null) {
            return null;
        }
        try {
            return Duration.ofMillis(Math.max(0, Math.round(Double.parseDouble(value.trim()))));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
