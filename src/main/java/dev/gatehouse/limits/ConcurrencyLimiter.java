package dev.gatehouse.limits;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Requests in flight per key, at most {@code max} each (nginx's {@code limit_conn}): a request takes a slot when it
 * starts and gives it back when its exchange ends, so a key is tracked only while it has requests in flight.
 */
public final class ConcurrencyLimiter {
    private final int max;
    private final ConcurrentHashMap<BucketKey, Integer> inFlight = new ConcurrentHashMap<>();

    public ConcurrencyLimiter(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("max " + max + " (expected: >= 1)");
        }
        this.max = max;
    }

    public int max() {
        return max;
    }

    /** Takes a slot for {@code key}; false when all {@code max} are taken. */
    public boolean tryAcquire(BucketKey key) {
        boolean[] taken = new boolean[1];
        inFlight.compute(key, (k, n) -> {
            int count = n == null ? 0 : n;
            if (count >= max) {
                return n;
            }
            taken[0] = true;
            return count + 1;
        });
        return taken[0];
    }

    /** Gives back a slot taken by {@link #tryAcquire}. */
    public void release(BucketKey key) {
        inFlight.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
    }

    /** Requests in flight for {@code key} now. */
    public int inFlight(BucketKey key) {
        return inFlight.getOrDefault(key, 0);
    }

    /** Keys with requests in flight now. */
    public int trackedKeys() {
        return inFlight.size();
    }
}
