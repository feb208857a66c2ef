package dev.promptjuggler.executor.client;

import java.time.Duration;

/**
 * A provider call failed: the provider answered with an error (status and its own message), or it did not answer
 * at all (status 0: connection refused or reset, timeout).
 */
public class ProviderException extends RuntimeException {

    private final String provider;
    private final int status;
    private final Duration retryAfter;

    /** @param retryAfter how long the provider asked us to wait before trying again, or null */
    public ProviderException(String provider, int status, String message, Duration retryAfter) {
        super(provider + (status == 0 ? " did not answer: " : " returned " + status + ": ") + message);
        this.provider = provider;
        this.status = status;
        this.retryAfter = retryAfter;
    }

    public String provider() {
        return provider;
    }

    /** The HTTP status, or 0 when the provider did not answer. */
    public int status() {
        return status;
    }

    /** The provider's own hint (Retry-After, retry-after-ms, Gemini's RetryInfo), or null. */
    public Duration retryAfter() {
        return retryAfter;
    }

    /** No answer, request timeout, rate limit or a server-side failure: another attempt may succeed. */
    public boolean retryable() {
        return status == 0 || status == 408 || status == 429 || status >= 500;
    }
}
