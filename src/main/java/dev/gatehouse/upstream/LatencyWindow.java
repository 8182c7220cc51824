package dev.gatehouse.upstream;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Requests, errors and a latency histogram over one canary step, written from every event loop without locks.
 * Latencies fall in buckets growing by a quarter (from 0.1 ms up to about 80 s), so a percentile is read to within
 * 25% whatever the traffic, in a fixed 64 longs.
 */
final class LatencyWindow {
    private static final double FIRST_BUCKET_NANOS = 100_000; // 0.1 ms
    private static final double GROWTH = 1.25;
    private static final int BUCKETS = 64;

    private final LongAdder requests = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);

    /** An answer: {@code error} for 5xx; {@code latencyNanos} from the pick to the response head. */
    void answered(boolean error, long latencyNanos) {
        requests.increment();
        if (error) {
            errors.increment();
        }
        counts.incrementAndGet(bucket(latencyNanos));
    }

    /** The target refused, reset or timed out: an error with no latency to count. */
    void failed() {
        requests.increment();
        errors.increment();
    }

    long requests() {
        return requests.sum();
    }

    long errors() {
        return errors.sum();
    }

    double errorRate() {
        long n = requests();
        return n == 0 ? 0 : (double) errors() / n;
    }

    /** The 99th percentile of the latencies seen (a bucket's upper bound), 0 before any. */
    long p99Nanos() {
        long total = 0;
        for (int i = 0; i < BUCKETS; i++) {
            total += counts.get(i);
        }
        if (total == 0) {
            return 0;
        }
        long rank = (long) Math.ceil(total * 0.99);
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts.get(i);
            if (seen >= rank) {
                return upperBound(i);
            }
        }
        return upperBound(BUCKETS - 1);
    }

    static int bucket(long nanos) {
        if (nanos <= FIRST_BUCKET_NANOS) {
            return 0;
        }
        int b = (int) Math.ceil(Math.log(nanos / FIRST_BUCKET_NANOS) / Math.log(GROWTH));
        return Math.min(b, BUCKETS - 1);
    }

    static long upperBound(int bucket) {
        return (long) (FIRST_BUCKET_NANOS * Math.pow(GROWTH, bucket));
    }
}
