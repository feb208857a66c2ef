package dev.promptjuggler.executor.scheduling;

import java.time.Duration;

/**
 * How many slots normal and low runs may hold while onsite runs are about, adapted to how long onsite runs wait:
 * additive increase, multiplicative decrease (AIMD), as TCP adapts its window to loss.
 *
 * <p>Slots decide what starts, not what the CPU, the database and the broker do. Lower work that keeps them
 * saturated delays an onsite run's way to its claim however many slots are free, and how much lower work a host
 * bears without that depends on the host, the runs and what else runs there: no fixed share fits. So the limit
 * follows the one thing that matters, the onsite runs' own wait, measured on each onsite run this worker starts:
 *
 * <ul>
 *   <li>an onsite run that waited longer than the target halves the limit, from what lower work holds now (not
 *       from a limit it may not be using), down to the floor. Runs already started are never stopped, so a cut
 *       takes effect only as lower runs end: until lower work is down to the limit, further slow onsite runs were
 *       delayed by the same excess and cut nothing more (TCP's once per round trip);</li>
 *   <li>an onsite run within the target raises the limit by 1/limit of a slot, so one slot is added for every
 *       limit's worth of onsite runs in time (TCP's congestion avoidance: one segment per window acknowledged),
 *       while lower runs wait for it: lower work holds the limit, less what ended during the claim statements in
 *       flight (at most one claim statement). A limit lower work does not reach is not raised on evidence that
 *       says nothing about it, and neither is one that is still being reached from above after a cut.</li>
 * </ul>
 *
 * <p>A slow onsite run brings a cut at most once per drain, while climbing back takes many onsite runs within the
 * target (from 50 slots back to 100: about 3,700), so the target acts as a bound on a high percentile of the onsite
 * wait, not on its mean. The floor keeps lower work progressing however slow onsite runs are. Without onsite runs
 * about there is nothing to measure and no cap (SlotAdmission): the limit keeps what it learned for their return.
 *
 * <p>No clock, no lock: the wait is measured by the caller, and SlotAdmission calls under its own lock.
 */
final class AdaptiveLowerLimit {

    /** What a cut keeps of what lower work holds. */
    static final double DECREASE = 0.5;

    private final int ceiling;
    private final int floor;
    private final int claimBatch;
    private final Duration target;
    /** The limit with its fraction: a slot is added in parts, 1/limit per onsite run in time. */
    private double window;

    /**
     * @param ceiling    slots lower work may hold at most (max-in-flight less the onsite reserve): the limit's start
     * @param floor      slots lower work keeps however slow onsite runs are (at least 1, at most {@code ceiling})
     * @param claimBatch runs one claim statement holds at most
     * @param target     the onsite wait the limit keeps to; zero turns adaptation off (the limit stays the ceiling)
     */
    AdaptiveLowerLimit(int ceiling, int floor, int claimBatch, Duration target) {
        if (floor < 1 || floor > ceiling) {
            throw new IllegalArgumentException("the floor must be between 1 and " + ceiling + ", not " + floor);
        }
        this.ceiling = ceiling;
        this.floor = floor;
        this.claimBatch = claimBatch;
        this.target = target;
        this.window = ceiling;
    }

    /** Slots normal and low runs may hold now, while onsite runs are about. */
    int limit() {
        return (int) window;
    }

    /**
     * An onsite run this worker started waited {@code wait}.
     *
     * @param lowerInFlight slots normal and low runs hold now
     * @param lowerWaiting  whether normal or low runs wait for a slot
     */
    void onsiteWaited(Duration wait, int lowerInFlight, boolean lowerWaiting) {
        if (target.isZero() || lowerInFlight > limit()) {
            // Off, or a cut (or the onsite runs' arrival) has not yet taken effect: lower work still holds more.
            return;
        }
        if (wait.compareTo(target) > 0) {
            window = Math.max(floor, (int) (lowerInFlight * DECREASE));
        } else if (lowerWaiting && lowerInFlight > limit() - claimBatch) {
            window = Math.min(ceiling, window + 1 / window);
        }
    }
}
