package dev.promptjuggler.dispatcher.delivery;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * A token bucket per endpoint, in this process: the burst is one second's worth of requests. Callers
 * reserve a send slot and learn how long to wait for it, so a claimed delivery waits (under its lease)
 * instead of being handed back.
 */
public final class EndpointRateLimiter {

    private final double perSecond;
    private final Map<UUID, double[]> buckets = new HashMap<>();

    public EndpointRateLimiter(double perSecond) {
        this.perSecond = perSecond;
    }

    /** Takes one token for {@code endpoint}; @return milliseconds to wait before sending (0 = now). */
    public synchronized long reserve(UUID endpoint, long nowNanos) {
        if (perSecond <= 0) {
            return 0;
        }
        // [tokens, last refill in nanos]; tokens go negative while sends are booked ahead.
        double[] bucket = buckets.computeIfAbsent(endpoint, id -> new double[] {perSecond, nowNanos});
        double refill = (nowNanos - bucket[1]) / 1e9 * perSecond;
        bucket[0] = Math.min(perSecond, bucket[0] + refill);
        bucket[1] = nowNanos;
        bucket[0] -= 1;
        return bucket[0] >= 0 ? 0 : (long) Math.ceil(-bucket[0] / perSecond * 1000);
    }
}
