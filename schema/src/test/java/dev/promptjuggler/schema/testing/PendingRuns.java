package dev.promptjuggler.schema.testing;

/**
 * The one statement with which tests and benchmarks store runs as api-gateway accepts them: a row in
 * {@code gateway.runs} and nothing else (the executor's state of a run, {@code executor.run_states}, starts absent:
 * the run is pending). When the gateway's run row changes, this is the one place the tests and benchmarks follow.
 * Shipped in this module's test jar, plain SQL text, so any client uses it (JDBC's {@code ?}, the reactive
 * client's {@code $n}).
 */
public final class PendingRuns {

    /** The columns a run's rows give, in this order; the others take their defaults as at accept. */
    public static final String COLUMNS = "id, tenant_id, kind, thread_id, channel, priority, environment, revision_id,"
            + " revision_version, inputs";

    private PendingRuns() {
    }

    /**
     * @param rows a {@code VALUES} list or a {@code SELECT} giving {@link #COLUMNS} in order, optionally followed by
     *             {@code RETURNING}
     */
    public static String insert(String rows) {
        return "INSERT INTO gateway.runs (" + COLUMNS + ") " + rows;
    }
}
