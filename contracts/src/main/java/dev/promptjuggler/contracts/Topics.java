package dev.promptjuggler.contracts;

/** Kafka topic names. Partition counts live with the topic definitions in deploy/. */
public final class Topics {

    public static final String RUNS_ONSITE = "runs.onsite";
    public static final String RUNS_NORMAL = "runs.normal";
    public static final String RUNS_LOW = "runs.low";
    /** Public: subscribers outside the platform may read it. */
    public static final String RUNS_FINISHED = "runs.finished";
    public static final String KNOWLEDGE_UPLOADED = "knowledge.uploaded";
    /** Public: subscribers outside the platform may read it. */
    public static final String KNOWLEDGE_FINISHED = "knowledge.finished";

    private Topics() {
    }
}
