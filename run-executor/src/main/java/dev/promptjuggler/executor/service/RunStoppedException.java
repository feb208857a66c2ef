package dev.promptjuggler.executor.service;

/**
 * A run was stopped before it ended: a caller cancelled it, or it reached its deadline. The run ends {@code failed}
 * with {@link #getMessage()} as its error ({@code cancelled}, {@code timed out}).
 */
public class RunStoppedException extends RuntimeException {

    private final RunStop.Why why;

    public RunStoppedException(RunStop.Why why) {
        super(why.error(), null, false, false);
        this.why = why;
    }

    public RunStop.Why why() {
        return why;
    }
}
