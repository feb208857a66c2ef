package dev.promptjuggler.executor.client;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.core.MultiMap;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

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
        Duration header = retryAfter(headers.get("Retry-After"), now);
        return header != null ? header : geminiRetryInfo(body);
    }

    /** HTTP's {@code Retry-After} (RFC 9110 10.2.3); zero for a date in the past, null when unreadable. */
    public static Duration retryAfter(String value, Instant now) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String trimmed = value.trim();
        Duration seconds = seconds(trimmed);
        if (seconds != null) {
            return seconds;
        }
        try {
            Instant at = ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            return at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO;
        } catch (DateTimeParseException notADate) {
            return null;
        }
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
                return seconds(delay.substring(0, delay.length() - 1));
            }
        }
        return null;
    }

    /** Whole seconds per the RFC; fractions are accepted because Gemini and some gateways send them. */
    private static Duration seconds(String value) {
        try {
            return Duration.ofMillis(Math.max(0, Math.round(Double.parseDouble(value) * 1000)));
        } catch (NumberFormatException e) {
            return null;
        }
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
