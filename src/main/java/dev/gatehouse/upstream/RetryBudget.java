package dev.gatehouse.upstream;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;

/**
 * Retries allowed as a share of a pool's recent requests, so that retries never multiply an outage (Finagle's and
 * Linkerd's retry budget). Counts live in a ring of one-second buckets over the last {@value #WINDOW_SECONDS}
 * seconds; a bucket is reset by the first writer that finds it stale. Counts are approximate under races (a stale
 * bucket may lose an increment), which a budget tolerates; nothing locks.
 */
final class RetryBudget {
    static final int WINDOW_SECONDS = 10;
    /** Retries always allowed per window, so a quiet pool can still retry a lone failure. */
    static final int MIN_RETRIES = 3;

    private final int percent;
    private final LongSupplier nanos;
    private final AtomicLongArray second = new AtomicLongArray(WINDOW_SECONDS);
    private final AtomicLongArray requests = new AtomicLongArray(WINDOW_SECONDS);
    private final AtomicLongArray retries = new AtomicLongArray(WINDOW_SECONDS);

    RetryBudget(int percent, LongSupplier nanos) {
        this.percent = percent;
        this.nanos = nanos;
    }

    /** A first try of a request. */
    void request() {
        requests.incrementAndGet(bucket());
    }

    /** Takes one retry from the budget; false when the budget is spent. */
    boolean tryRetry() {
        int b = bucket();
        long now = second.get(b);
        long reqs = 0;
        long rets = 0;
        for (int i = 0; i < WINDOW_SECONDS; i++) {
            if (now - second.get(i) < WINDOW_SECONDS) {
                reqs += requests.get(i);
                rets += retries.get(i);
            }
        }
        if (rets >= Math.max(MIN_RETRIES, reqs * percent / 100)) {
            return false;
        }
        retries.incrementAndGet(b);
        return true;
    }

    private int bucket() {
        long s = Math.floorDiv(nanos.getAsLong(), 1_000_000_000L);
        int b = (int) Math.floorMod(s, (long) WINDOW_SECONDS);
        long seen = second.get(b);
        if (seen != s && second.compareAndSet(b, seen, s)) {
            requests.set(b, 0);
            retries.set(b, 0);
        }
        return b;
    }
}
