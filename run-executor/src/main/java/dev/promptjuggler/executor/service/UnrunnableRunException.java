package dev.promptjuggler.executor.service;

import java.util.Locale;

/**
 * A run that can never execute, however often it is retried: its variables do not decrypt, its revision cannot
 * be read, or it used up its claims. It ends {@code failed} at once with this message as its error, instead of
 * going back to its lease and the sweeper for ever. Messages name the problem, never a secret.
 */
public class UnrunnableRunException extends RuntimeException {

    private final Reason reason;

    public UnrunnableRunException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    /** Why a run was abandoned; the {@code reason} tag of {@code executor.runs.abandoned}. */
    public enum Reason {
        /** A stored variable or the run's envVars do not decrypt (another secrets key) or do not parse. */
        UNREADABLE_VARIABLES,
        /** The run's prompt or workflow revision cannot be read as one. */
        UNREADABLE_REVISION,
        /** Claimed {@code executor.max-claims} times without an outcome: its worker died or stalled each time. */
        MAX_CLAIMS;

        public String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
