package dev.promptjuggler.executor.scheduling;

import java.util.TreeSet;

/**
 * One partition's records between fetch and settlement. A record is settled once its run is claimed by
 * this worker (the lease and the sweeper take over from there) or turned out to need nothing (finished,
 * claimed elsewhere, unknown). The committable offset is the oldest unsettled record's, so a crash
 * redelivers every record whose run was not yet durably claimed, and nothing else.
 */
final class PartitionProgress {

    private final TreeSet<Long> unsettled = new TreeSet<>();
    private long next = -1;

    synchronized void received(long offset) {
        unsettled.add(offset);
        next = Math.max(next, offset + 1);
    }

    synchronized void settled(long offset) {
        unsettled.remove(offset);
    }

    /** @return the offset to commit, or -1 when nothing was received yet */
    synchronized long committable() {
        return unsettled.isEmpty() ? next : unsettled.first();
    }
}
