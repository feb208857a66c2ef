package dev.promptjuggler.executor.client;

/** A provider answered with an error, or with something that is not its API's answer. */
public class ProviderException extends RuntimeException {

    private final int status;

    public ProviderException(String provider, int status, String message) {
        super(provider + " returned " + status + ": " + message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
