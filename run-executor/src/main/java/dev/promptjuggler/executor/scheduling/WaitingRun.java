package dev.promptjuggler.executor.scheduling;

import dev.promptjuggler.contracts.Priority;
import dev.promptjuggler.contracts.RunRequested;
import io.opentelemetry.context.Context;
import java.time.Instant;
import org.apache.kafka.common.TopicPartition;

/**
 * A fetched run request waiting for a slot, with the record that brought it.
 *
 * @param progress    the record's partition's, where its offset is settled once the run no longer needs the record
 * @param publisher   the span that published the record (its {@code traceparent} header): the run's span continues it
 * @param receivedAt  when the record was fetched, the start of the run's span (its wait for a slot included)
 * @param publishedAt the record's timestamp: when it was published (a lane's hand-on and the sweeper publish a run
 *                    again, so unlike the run's {@code acceptedAt} it says how long this request has waited)
 */
record WaitingRun(Priority priority, RunRequested request, TopicPartition partition, long offset,
        PartitionProgress progress, Context publisher, Instant receivedAt, Instant publishedAt) {

    /** The run is claimed by this worker or needs nothing: its record need not be delivered again. */
    void settle() {
        progress.settled(offset);
    }
}
