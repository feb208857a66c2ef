package dev.promptjuggler.executor.scheduling;

import dev.promptjuggler.contracts.Priority;
import dev.promptjuggler.executor.config.ExecutorConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * Which waiting runs take the free slots, and when: the scheduler's policy, without Kafka or database, on a clock it is
 * given.
 *
 * <p>Runs wait in {@link PriorityQueues} (onsite before normal before low, with aging). Free slots are filled by
 * claim statements of up to {@code claim-batch} runs of one priority, at most {@link #CLAIMS_AT_ONCE} statements at
 * a time, plus one statement of onsite runs only when those are busy, so an onsite run never waits behind a
 * statement of a hundred low runs. Normal and low runs never take the last {@code onsite-reserve} slots, and while
 * onsite runs are about (one waits, or one started within {@code onsite-about-for}) they hold at most the
 * {@link AdaptiveLowerLimit}, which follows the onsite runs' measured wait ({@link #onsiteWaited}), and at most
 * {@code lower-share-while-onsite} of the slots.
 *
 * <p>A run holds its slot from {@link #admit()} until {@link #claimed} says its claim did not take it, or
 * {@link #ended} says it finished. Thread-safe: the consumer thread adds runs while claims and runs end on others.
 */
final class SlotAdmission<T> {

    /**
     * Claim statements in flight at once: one fills slots while the previous one's runs start. One more, of onsite
     * runs only, may run beside them; the claims pool has a connection for each (application.properties).
     */
    static final int CLAIMS_AT_ONCE = 2;

    /**
     * Lower work keeps at least one in this many of its slots while onsite runs are late, so it progresses, at that
     * many slots over its runs' duration. One in 33 (the share of starts aging promises it) kept the machine busy
     * enough that onsite runs still waited twice as long at the 99th percentile under a low backlog
     * (docs/benchmarks.md, executor, journal of 2026-12-04 20:03–20:15).
     */
    static final int LOWER_FLOOR_ONE_IN = 100;

    /** The {@code executor.*} settings the policy follows. */
    record Limits(int maxInFlight, int claimBatch, int onsiteReserve, double lowerShareWhileOnsite, int agingBypasses,
            Duration onsiteWaitTarget, Duration onsiteAboutFor) {

        Limits {
            if (maxInFlight < 1 || claimBatch < 1 || onsiteReserve < 0) {
                throw new IllegalArgumentException("executor.max-in-flight and executor.scheduling.claim-batch must be at"
                        + " least 1, executor.scheduling.onsite-reserve at least 0");
            }
            if (!(lowerShareWhileOnsite > 0 && lowerShareWhileOnsite <= 1)) {
                throw new IllegalArgumentException(
                        "executor.scheduling.lower-share-while-onsite must be above 0 and at most 1, not " + lowerShareWhileOnsite);
            }
            if (onsiteAboutFor.isNegative() || onsiteAboutFor.isZero()) {
                throw new IllegalArgumentException(
                        "executor.scheduling.onsite-about-for must be more than 0, not " + onsiteAboutFor);
            }
            if (onsiteWaitTarget.isNegative()) {
                throw new IllegalArgumentException(
                        "executor.scheduling.onsite-wait-target must be 0 (off) or more, not " + onsiteWaitTarget);
            }
        }

        static Limits of(ExecutorConfig config) {
            ExecutorConfig.Scheduling scheduling = config.scheduling();
            return new Limits(config.maxInFlight(), scheduling.claimBatch(), scheduling.onsiteReserve(),
                    scheduling.lowerShareWhileOnsite(), scheduling.agingBypasses(), scheduling.onsiteWaitTarget(),
                    scheduling.onsiteAboutFor());
        }

        /** Slots normal and low runs may hold at most: all but the onsite reserve, and at least one. */
        int lowerCeiling() {
            return maxInFlight - Math.min(onsiteReserve, maxInFlight - 1);
        }

        /**
         * Slots the adaptive limit leaves lower work however slow onsite runs are: one in
         * {@value #LOWER_FLOOR_ONE_IN} of its ceiling, and at least one.
         */
        int lowerFloor() {
            return Math.max(1, lowerCeiling() / LOWER_FLOOR_ONE_IN);
        }
    }

    /**
     * The runs of one claim statement, all of one priority.
     *
     * @param express the statement of onsite runs only that runs beside the {@link #CLAIMS_AT_ONCE} others
     */
    record Claim<T>(Priority priority, List<T> runs, boolean express) {
    }

    private final Limits limits;
    private final PriorityQueues<T> queues;
    private final AdaptiveLowerLimit adaptive;
    private final LongSupplier nanoClock;
    private int inFlight;
    /** Onsite runs among {@link #inFlight}. */
    private int onsiteInFlight;
    private int claiming;
    private boolean expressClaiming;
    /** When the last onsite run started (its claim began), on {@link #nanoClock}; valid once one did. */
    private long lastOnsiteStart;
    private boolean onsiteStarted;

    /** @param nanoClock {@link System#nanoTime} but in tests */
    SlotAdmission(Limits limits, LongSupplier nanoClock) {
        this.limits = limits;
        this.nanoClock = nanoClock;
        this.queues = new PriorityQueues<>(limits.agingBypasses());
        this.adaptive = new AdaptiveLowerLimit(limits.lowerCeiling(), limits.lowerFloor(), limits.claimBatch(),
                limits.onsiteWaitTarget());
    }

    synchronized void add(Priority priority, T run) {
        queues.add(priority, run);
    }

    /** Runs that wait for a slot. */
    synchronized int waiting(Priority priority) {
        return queues.waiting(priority);
    }

    /** Runs holding a slot: being claimed, or claimed and not finished. */
    synchronized int inFlight() {
        return inFlight;
    }

    /**
     * Slots normal and low runs may hold now: while onsite runs are about, the adaptive limit (and the fixed share,
     * if set); otherwise every slot but the onsite reserve.
     */
    synchronized int lowerWorkLimit() {
        int limit = limits.lowerCeiling();
        if (onsiteAbout()) {
            limit = Math.min(limit, adaptive.limit());
            limit = Math.min(limit, (int) (limits.maxInFlight() * limits.lowerShareWhileOnsite()));
        }
        return limit;
    }

    /**
     * An onsite run this worker started had waited {@code wait} (measured by the caller, from its request's
     * publication to its claim): the adaptive limit on lower work follows it.
     */
    synchronized void onsiteWaited(Duration wait) {
        adaptive.onsiteWaited(wait, inFlight - onsiteInFlight,
                queues.waiting(Priority.NORMAL) + queues.waiting(Priority.LOW) > 0);
    }

    private boolean onsiteAbout() {
        return queues.waiting(Priority.ONSITE) > 0
                || onsiteStarted && nanoClock.getAsLong() - lastOnsiteStart < limits.onsiteAboutFor().toNanos();
    }

    /** Drops the waiting runs that match, e.g. those of partitions this worker no longer owns. */
    synchronized void removeIf(Predicate<T> filter) {
        queues.removeIf(filter);
    }

    /**
     * Takes the waiting runs that get a slot now, as claim statements to run; each run holds its slot from here on.
     * Called whenever runs arrive, a claim statement completes or a run ends.
     */
    synchronized List<Claim<T>> admit() {
        List<Claim<T>> claims = new ArrayList<>();
        while (claiming < CLAIMS_AT_ONCE && inFlight < limits.maxInFlight()) {
            Claim<T> claim = take(false);
            if (claim == null) {
                break;
            }
            claiming++;
            claims.add(claim);
        }
        if (!expressClaiming && queues.waiting(Priority.ONSITE) > 0 && inFlight < limits.maxInFlight()) {
            // Both claim statements are busy (with lower runs): onsite does not queue behind them.
            Claim<T> express = take(true);
            if (express != null) {
                expressClaiming = true;
                claims.add(express);
            }
        }
        return claims;
    }

    /**
     * A claim statement ended; the runs it did not start (finished, held elsewhere, waiting for their lane, or all of
     * them when the statement failed) give their slots back.
     */
    synchronized void claimed(Claim<T> claim, int started) {
        if (claim.express()) {
            expressClaiming = false;
        } else {
            claiming--;
        }
        release(claim.priority(), claim.runs().size() - started);
    }

    /** A run that was started ended; its slot is free. */
    synchronized void ended(Priority priority) {
        release(priority, 1);
    }

    private void release(Priority priority, int runs) {
        inFlight -= runs;
        if (priority == Priority.ONSITE) {
            onsiteInFlight -= runs;
        }
    }

    /** Up to claim-batch waiting runs of one priority, or null when none may start now. */
    private Claim<T> take(boolean onsiteOnly) {
        List<T> runs = new ArrayList<>();
        Priority claimPriority = null;
        while (runs.size() < limits.claimBatch() && inFlight < limits.maxInFlight()) {
            Priority lowest = onsiteOnly || inFlight - onsiteInFlight >= lowerWorkLimit() ? Priority.ONSITE : Priority.LOW;
            Priority priority = queues.nextPriority(lowest);
            if (priority == null || (claimPriority != null && priority != claimPriority)) {
                break;
            }
            claimPriority = priority;
            runs.add(queues.next(lowest));
            inFlight++;
            if (priority == Priority.ONSITE) {
                onsiteInFlight++;
                onsiteStarted = true;
                lastOnsiteStart = nanoClock.getAsLong();
            }
        }
        return runs.isEmpty() ? null : new Claim<>(claimPriority, List.copyOf(runs), onsiteOnly);
    }
}
