package dev.promptjuggler.contracts;

/** Kafka topic names. Partition counts live with the topic definitions in deploy/. */
public final class Topics {

    public static final String RUNS_ONSITE = "runs.onsite";
    public static final String RUNS_NORMAL = "runs.normal";
    public static final String RUNS_LOW = "runs.low";
    /** Public: subscribers outside the platform may read it. */
    public static final String RUNS_FINISHED = "runs.finished";
    /** Live frames of runs, keyed by thread id, kept briefly: the replay window of the threads' SSE streams. */
    public static final String RUNS_STREAM = "runs.stream";
    /**
     * Requests to stop runs (a cancel), keyed by run id. Every run-executor replica reads every partition, since the
     * run may be executing on any of them.
     */
    public static final String RUNS_CANCEL = "runs.cancel";
    public static final String KNOWLEDGE_UPLOADED = "knowledge.uploaded";
    /** Public: subscribers outside the platform may read it. */
    public static final String KNOWLEDGE_FINISHED = "knowledge.finished";

    private Topics() {
    }
}
