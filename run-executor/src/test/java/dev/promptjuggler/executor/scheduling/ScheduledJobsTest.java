package dev.promptjuggler.executor.scheduling;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.promptjuggler.executor.support.TwoSlots;
import io.quarkus.scheduler.Scheduler;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/** The heartbeat and the sweeper are scheduled from the config mapping: the sweeper not at all when it is {@code off}. */
@QuarkusTest
@TestProfile(TwoSlots.class)
class ScheduledJobsTest {

    @Inject
    Scheduler scheduler;

    @Test
    void theLeaseHeartbeatIsScheduledAndTheSweeperIsOffAsTheTestProfileSays() {
        assertNotNull(scheduler.getScheduledJob("executor.lease.heartbeat"), "executor.lease.heartbeat");
        assertNotNull(scheduler.getScheduledJob("executor.lease.heartbeat").getNextFireTime());
        assertNull(scheduler.getScheduledJob("executor.sweeper"), "%test.executor.sweeper.every=off");
    }
}
