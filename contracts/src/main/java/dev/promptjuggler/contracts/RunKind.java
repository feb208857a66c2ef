package dev.promptjuggler.contracts;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What a run executes; decides the name of its finished event. */
public enum RunKind {
    @JsonProperty("prompt") PROMPT(EventTypes.PROMPTRUN_FINISHED),
    @JsonProperty("workflow") WORKFLOW(EventTypes.WORKFLOWRUN_FINISHED);

    private final String finishedEventType;

    RunKind(String finishedEventType) {
        this.finishedEventType = finishedEventType;
    }

    public String finishedEventType() {
        return finishedEventType;
    }

    /** The spelling in JSON and in the database: {@code prompt}, {@code workflow}. */
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
