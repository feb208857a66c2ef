package dev.promptjuggler.gateway.api;

/** A failure the caller caused or may see; rendered as {@code {"error": message}} with its status. */
public class ApiException extends RuntimeException {

    private final int status;

    public ApiException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, message);
    }

    public static ApiException invalid(String message) {
        return new ApiException(422, message);
    }

    /** A resource that existed and was erased (a thread and its runs): its id answers, its data is gone. */
    public static ApiException gone(String message) {
        return new ApiException(410, message);
    }

    public static ApiException unauthorized(String message) {
        return new ApiException(401, message);
    }
}
