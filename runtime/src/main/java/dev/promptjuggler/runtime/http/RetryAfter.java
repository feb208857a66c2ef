package dev.promptjuggler.runtime.http;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/**
 * HTTP's {@code Retry-After} (RFC 9110 10.2.3) as a wait: delta-seconds or an HTTP date. How long a wait to
 * honour is each caller's policy (a webhook endpoint's pause is cut to a maximum, a provider's too long
 * hint is ignored): this only reads the header.
 */
public final class RetryAfter {

    /**
     * Whole seconds per the RFC; a fraction is accepted because Gemini and some gateways send one. Twelve
     * digits (thirty thousand years) are more than any real wait and keep the arithmetic from overflowing.
     */
    private static final Pattern SECONDS = Pattern.compile("\\d{1,12}(\\.\\d{1,9})?");

    private RetryAfter() {
    }

    /**
     * @param value the header's value, as received
     * @param now   the moment an HTTP date is measured from
     * @return the wait; zero for a date in the past; null when the header is absent or unreadable
     */
    public static Duration parse(String value, Instant now) {
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

    /** @return {@code value} (e.g. {@code 2} or {@code 1.5}) as a wait in seconds, or null when it is no such number */
    public static Duration seconds(String value) {
        if (!SECONDS.matcher(value).matches()) {
            return null;
        }
        int dot = value.indexOf('.');
        long whole = Long.parseLong(dot < 0 ? value : value.substring(0, dot));
        long nanos = dot < 0 ? 0 : Long.parseLong((value.substring(dot + 1) + "00000000").substring(0, 9));
        return Duration.ofSeconds(whole, nanos);
    }
}
