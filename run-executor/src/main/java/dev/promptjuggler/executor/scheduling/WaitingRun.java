package dev.promptjuggler.executor.scheduling;

import dev.promptjuggler.contracts.Priority;
import dev.promptjuggler.contracts.RunRequested;
import org.apache.kafka.common.TopicPartition;

/**
 * A fetched run request waiting for a slot, with the record that brought it.
 *
 * @param progress the record's partition's, where its offset is settled once the run no longer needs the record
 */
record WaitingRun(Priority priority, RunRequested request, TopicPartition partition, long offset,
        PartitionProgress progress) {

    /** The run is claimed by this worker or needs nothing: its record need not be delivered again. */
    void settle() {
        progress.settled(offset);
    }
}
