package dev.promptjuggler.executor.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** How the executor takes and runs prompts: slots, priority, leases, the sweeper, memory and tools. */
@ConfigMapping(prefix = "executor")
public interface ExecutorConfig {

    /**
     * Runs in flight at once in this process (claimed and not yet finished). Runs wait on LLM calls, not
     * on the CPU, so hundreds fit on two cores; the database pool and the provider's rate limits are the
     * real bounds.
     */
    @WithDefault("256")
    int maxInFlight();

    /**
     * Claims a run may take. Every claim counts (at claim time, so a worker that dies before recording anything
     * still used one); a run claimed this many times whose lease expired again is not claimed for execution
     * any more: the sweeper ends it {@code failed} ("abandoned after N claims") with its finished notice. Bounds
     * crash loops, e.g. a run that kills or stalls its worker each time it runs.
     */
    @WithDefault("5")
    int maxClaims();

    /**
     * Levels of runs inside a run: a prompt or workflow tool, a Workflow node or a Fanout node's workflow starts its
     * run one level below the one that starts it. One that would start deeper fails (a tool when its prompt is built,
     * a node when it runs), so a prompt or workflow that reaches itself again ends.
     */
    @WithDefault("4")
    int maxNestingDepth();

    /**
     * A run's deadline: a run still executing this long after its claim started it is stopped (its provider request
     * aborted, its tool loop and workflow nodes left) and ends {@code failed} with the error {@code timed out}, its
     * notice sent as for any failed run. A definition's own {@code runTimeoutSeconds} (management API) wins. A run
     * taken up again after its worker died counts from that claim.
     */
    @WithDefault("10m")
    Duration runTimeout();

    Scheduling scheduling();

    Lease lease();

    Sweeper sweeper();

    Memory memory();

    Tools tools();

    Workflow workflow();

    Stream stream();

    Retention retention();

    /**
     * Pruning what tenants keep for a limited time (their {@code retention_days}, set on api-gateway's
     * {@code PUT /manage/v1/retention}; off by default): their memory.
     */
    interface Retention {

        /** How often each replica prunes, e.g. {@code 1h} ({@code off} disables it; scheduling/RetentionPruner). */
        @WithDefault("1h")
        String every();

        /** Rows one batch deletes at most: one short transaction each. */
        @WithDefault("500")
        int batch();

        /** The pause between two batches, so pruning never crowds out the runs' writes on the same tables. */
        @WithDefault("100ms")
        Duration pause();
    }

    /** The frames of the runs' live streams ({@code runs.stream}, messaging/StreamFramePublisher). */
    interface Stream {

        /**
         * How long the producer waits to fill a batch: a few milliseconds of a token's way to the browser for far
         * fewer produce requests when many runs stream at once.
         */
        @WithDefault("5ms")
        Duration linger();

        /**
         * Frames waiting for the producer at most; beyond that (the broker unreachable for long) frames are dropped
         * and counted ({@code executor.stream.frames.lost}), never the run held up. Subscribers see the gap.
         */
        @WithDefault("100000")
        int maxQueued();
    }

    interface Workflow {

        /** Nodes of one workflow run running at once (independent branches run concurrently). */
        @WithDefault("4")
        int maxParallelNodes();
    }

    interface Scheduling {

        /** Kafka consumer group of the run topics. */
        @WithDefault("run-executor")
        String groupId();

        /** Where a group without committed offsets starts: {@code earliest} loses no run. */
        @WithDefault("earliest")
        String autoOffsetReset();

        /**
         * Aging: a waiting lower-priority run is started ahead of higher ones once this many runs of higher
         * priority were started while it waited. Under a steady onsite load, normal and low still get about
         * one slot in every {@code aging-bypasses + 1} starts.
         */
        @WithDefault("32")
        int agingBypasses();

        /**
         * Fetched runs kept waiting per priority; past it, that topic's partitions are paused until the
         * queue is down to half. Bounds memory, never the order.
         */
        @WithDefault("1000")
        int maxWaiting();

        /**
         * Runs claimed by one statement at most. Free slots are filled by claim statements of up to this many
         * runs, two statements at a time; what waits meanwhile stays in the priority queues, so a newly arrived
         * onsite run is claimed in the next statement instead of queueing behind lower claims in the database
         * pool. 1 claims run by run.
         */
        @WithDefault("100")
        int claimBatch();

        /**
         * Slots only onsite runs may take: normal and low work never fills the last this-many slots, so an
         * onsite run that arrives while lower work holds every other slot starts without waiting for one. An
         * onsite run that arrives while both claim statements are busy with lower runs gets a claim statement
         * of its own. At most {@code max-in-flight - 1}; reserve about as many slots as onsite runs are expected
         * in flight at once.
         */
        @WithDefault("16")
        int onsiteReserve();

        /**
         * The onsite wait the scheduler keeps to, from an onsite run's request being published to its claim by
         * this worker; {@code 0} turns the adaptation off. Slots decide what runs, not what the CPU does: when lower
         * work keeps the machine saturated, an onsite run still waits for its fetch and its claim behind that work in
         * the broker and the database. So while onsite runs are about ({@code onsite-about-for}), the slots normal and
         * low runs may hold follow the onsite runs' measured wait (scheduling/AdaptiveLowerLimit): an onsite run that
         * waited longer halves them (once the previous cut took effect), one within it adds 1/limit of a slot back,
         * never below one in 100 of the slots, so lower work still progresses. Runs already started are never
         * stopped; the cap lifts {@code onsite-about-for} after the last onsite run started, however long onsite runs
         * stay in flight. It bounds a high percentile of that wait: about what onsite runs wait at the 99th percentile
         * with no lower work about ({@code executor_runs_queue_wait_seconds{priority="onsite"}}; 20 ms on the
         * two-core reference machine, docs/benchmarks.md, executor); below that, lower work stays at its floor
         * whenever onsite runs are about.
         */
        @WithDefault("20ms")
        Duration onsiteWaitTarget();

        /**
         * How long after the last onsite run started this worker counts onsite runs as about, and lower work as
         * capped ({@code onsite-wait-target}, {@code lower-share-while-onsite}); an onsite run waiting counts too. Long
         * enough to span the gaps of an onsite trickle, such as one user's runs; onsite runs only in flight do not
         * count, since they hold their slots already: when none has started for this long, lower work gets every
         * slot back however long they run (a restarted worker's burst of held onsite runs, say), and the limit keeps
         * what it learned for the next onsite runs.
         */
        @WithDefault("10s")
        Duration onsiteAboutFor();

        /**
         * A fixed upper bound on the share of the slots normal and low runs may hold while onsite runs are about
         * ({@code onsite-about-for}) (0 < share ≤ 1; 1 = none), on top of the adaptive limit
         * ({@code onsite-wait-target}), for operators who want lower work's share pinned. Runs already started are
         * never stopped. Which shares held the onsite wait under a low backlog,
         * and what they cost lower work, is measured in docs/benchmarks.md (executor).
         */
        @WithDefault("1.0")
        double lowerShareWhileOnsite();
    }

    interface Lease {

        /** How long a claim holds without a heartbeat; a killed worker's runs come back after it. */
        @WithDefault("30s")
        Duration duration();

        /** How often the leases of runs in flight are extended (scheduling/LeaseHeartbeat). */
        @WithDefault("10s")
        Duration heartbeat();

        /**
         * How long a stopping worker waits for its runs in flight to finish before it releases the leases of those
         * still running, so that another worker takes them up at its next sweep instead of after the lease
         * expires (scheduling/RunStarter). At most {@code duration - heartbeat}: no heartbeat is owed meanwhile.
         * Kubernetes' termination grace period must exceed it (deploy/k8s).
         */
        @WithDefault("15s")
        Duration drain();
    }

    interface Sweeper {

        /** How often each replica sweeps, e.g. {@code 10s} ({@code off} disables it; scheduling/Sweeper). */
        @WithDefault("10s")
        String every();

        /** A pending run never claimed for this long is published again (its request may be lost). */
        @WithDefault("5m")
        Duration unclaimedAfter();

        /** A run the sweeper published is not published again before this long (a deep backlog). */
        @WithDefault("5m")
        Duration requeueAfter();

        /** A finished run without notified_at this long after it finished gets its notice again. */
        @WithDefault("30s")
        Duration unnotifiedAfter();

        /** Runs per sweep and per kind of work. */
        @WithDefault("200")
        int batch();
    }

    interface Memory {

        /**
         * The most recent messages of a thread's channel a {@code read_only} or {@code read_write} prompt
         * sees, oldest first (a user message and its answer are two). Older ones stay stored, unseen.
         */
        @WithDefault("40")
        int window();
    }

    interface Tools {

        /** Model turns one run may take; a model still calling tools after that fails the run. */
        @WithDefault("10")
        int maxTurns();

        Http http();

        Knowledge knowledge();

        interface Http {

            /** Upper bound of one http tool call, connection included. */
            @WithDefault("30s")
            Duration timeout();

            /** Bytes of a response body handed to the model; the rest is cut off. */
            @WithDefault("65536")
            int maxResponseBytes();

            /**
             * Address ranges (CIDR) an http tool may reach although they are not public, e.g.
             * {@code 127.0.0.0/8} for a local stack. Everything else that is not a public address is refused.
             */
            Optional<List<String>> allowNetworks();
        }

        interface Knowledge {

            /** knowledge-ingest's base URL, for the {@code knowledge_search} tool. */
            String url();

            /** Chunks one search returns to the model. */
            @WithDefault("5")
            int topK();
        }
    }
}
