package dev.promptjuggler.contracts;

/**
 * CloudEvents {@code type} of every event. The finished types equal the webhook event names of the
 * public API, so a subscriber can use one vocabulary for both.
 */
public final class EventTypes {

    public static final String RUN_REQUESTED = "run.requested";
    public static final String RUN_CANCEL_REQUESTED = "run.cancelrequested";
    public static final String PROMPTRUN_FINISHED = "promptrun.finished";
    public static final String WORKFLOWRUN_FINISHED = "workflowrun.finished";
    public static final String KNOWLEDGEDOCUMENT_UPLOADED = "knowledgedocument.uploaded";
    public static final String KNOWLEDGEDOCUMENT_FINISHED = "knowledgedocument.finished";
    public static final String KNOWLEDGEBASE_FINISHED = "knowledgebase.finished";

    private EventTypes() {
    }
}
