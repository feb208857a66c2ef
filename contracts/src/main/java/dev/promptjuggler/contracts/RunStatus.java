package dev.promptjuggler.contracts;

import com.fasterxml.jackson.annotation.JsonProperty;

/** A run's status exactly as the SDK's {@code RunStatus} spells it. */
public enum RunStatus {
    @JsonProperty("pending") PENDING,
    @JsonProperty("completed") COMPLETED,
    @JsonProperty("failed") FAILED;

    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static RunStatus fromWireName(String name) {
        return valueOf(name.toUpperCase(java.util.Locale.ROOT));
    }
}
