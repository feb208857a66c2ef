package dev.promptjuggler.executor.client;

import java.util.Map;

/** Typed reads of the SDK's {@code ModelParams} (a JSON object as the revision stores it). */
public record ModelParams(Map<String, Object> values) {

    public Integer maxCompletionTokens() {
        return values.get("maxCompletionTokens") instanceof Number n ? n.intValue() : null;
    }

    public Double temperature() {
        return values.get("temperature") instanceof Number n ? n.doubleValue() : null;
    }

    public Double topP() {
        return values.get("topP") instanceof Number n ? n.doubleValue() : null;
    }

    /** {@code low}, {@code medium}, {@code high}. */
    public String verbosity() {
        return values.get("verbosity") instanceof String s ? s : null;
    }

    /** {@code none}, {@code low}, {@code medium}, {@code high}, {@code xhigh}, {@code max}. */
    public String reasoningEffort() {
        return values.get("reasoningEffort") instanceof String s ? s : null;
    }

    public boolean reasoningSummary() {
        return Boolean.TRUE.equals(values.get("reasoningSummary"));
    }

    /** {@code auto}, {@code default}, {@code flex}, {@code priority}. */
    public String serviceTier() {
        return values.get("serviceTier") instanceof String s ? s : null;
    }
}
