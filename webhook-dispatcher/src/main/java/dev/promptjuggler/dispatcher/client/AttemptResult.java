package dev.promptjuggler.dispatcher.client;

import java.time.Duration;

/**
 * What one attempt came to, as the delivery log records it.
 *
 * @param statusCode null when no HTTP response arrived
 * @param errorClass null on success; otherwise {@code http_status}, {@code timeout}, {@code dns},
 *                   {@code connect}, {@code tls}, {@code blocked_address}, {@code invalid_url} or {@code network}
 * @param retryAfter the response's {@code Retry-After}, whatever its status; null when absent or unreadable.
 *                   Which statuses it pauses the endpoint for is the failure policy's to say.
 */
public record AttemptResult(Integer statusCode, int latencyMs, String errorClass, String error,
        String responseExcerpt, Duration retryAfter) {

    public boolean succeeded() {
        return statusCode != null && statusCode / 100 == 2;
    }
}
