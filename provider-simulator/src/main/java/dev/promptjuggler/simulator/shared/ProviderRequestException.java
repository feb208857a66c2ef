package dev.promptjuggler.simulator.shared;

/**
 * A request a simulated provider rejects: the status and message; each provider format renders it in its own error
 * shape.
 */
public final class ProviderRequestException extends RuntimeException {

    private final int status;

    public ProviderRequestException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public static ProviderRequestException badRequest(String message) {
        return new ProviderRequestException(400, message);
    }

    public int status() {
        return status;
    }
}
