package dev.promptjuggler.contracts;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Run priority as the public API spells it; each level has its own topic. */
public enum Priority {
    @JsonProperty("onsite") ONSITE(Topics.RUNS_ONSITE),
    @JsonProperty("normal") NORMAL(Topics.RUNS_NORMAL),
    @JsonProperty("low") LOW(Topics.RUNS_LOW);

    private final String topic;

    Priority(String topic) {
        this.topic = topic;
    }

    public String topic() {
        return topic;
    }

    /** The API's spelling: {@code onsite}, {@code normal}, {@code low}. */
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** @return the priority spelled {@code name} on the wire, or {@code null} when there is none. */
    public static Priority fromWireName(String name) {
        for (Priority priority : values()) {
            if (priority.wireName().equals(name)) {
                return priority;
            }
        }
        return null;
    }
}
