package dev.promptjuggler.executor.service;

/** The SDK's {@code Memory}: whether a prompt reads its channel's history, appends to it, both or neither. */
public enum MemoryMode {
    STATELESS(false, false), READ_ONLY(true, false), READ_WRITE(true, true), WRITE_ONLY(false, true);

    private final boolean reads;
    private final boolean writes;

    MemoryMode(boolean reads, boolean writes) {
        this.reads = reads;
        this.writes = writes;
    }

    public static MemoryMode of(String wireName) {
        return valueOf(wireName.toUpperCase(java.util.Locale.ROOT));
    }

    public boolean reads() {
        return reads;
    }

    public boolean writes() {
        return writes;
    }
}
